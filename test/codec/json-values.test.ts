import { describe, expect, it } from "vitest";
import { JsonNumber, JsonStreamSplitter, parseJson, stringifyJson } from "../../src/codec/json-values.js";

describe("parseJson", () => {
  it("keeps a number's text and the order of members; a repeated name keeps its last value", () => {
    const value = parseJson('{"b": 9007199254740993, "a": [1.50, true, null, "x"], "b": -0}');
    expect(value).toEqual(new Map<string, unknown>([["a", [new JsonNumber("1.50"), true, null, "x"]], ["b", new JsonNumber("-0")]]));
    expect(stringifyJson(value)).toBe('{"a":[1.50,true,null,"x"],"b":-0}');
  });

  it.each(['{"a": }', "[1,]", '{"a": 1} x', "01", '"open'])("refuses %s", (text) => {
    expect(() => parseJson(text)).toThrow(SyntaxError);
  });
});

describe("JsonStreamSplitter", () => {
  it("splits concatenated values as their text completes, across chunks, strings with brackets included", () => {
    const splitter = new JsonStreamSplitter();
    expect(splitter.push('{"a": "}{"} {"b"')).toEqual(['{"a": "}{"}']);
    expect(splitter.push(': [1, 2]}{"c": 3}\n')).toEqual(['{"b": [1, 2]}', '{"c": 3}']);
    expect(splitter.push(" 12 true")).toEqual(["12"]);
    expect(splitter.end()).toEqual(["true"]);
    expect(splitter.push('"s""t"')).toEqual(['"s"', '"t"']);
  });
});
