import { describe, expect, it } from "vitest";
import { formatGoJsonFloat, indentGoJson, quoteGoJson, shortestFloat32 } from "../../src/codec/go-json.js";

describe("Go's encoding/json, as grpcurl's output is written", () => {
  it("indents as json.Indent: one member per line, empty objects and arrays kept whole, strings untouched", () => {
    expect(indentGoJson('{"a":[1,{"b":{}}],"c":[],"d":"x,{:}"}')).toBe('{\n  "a": [\n    1,\n    {\n      "b": {}\n    }\n  ],\n  "c": [],\n  "d": "x,{:}"\n}');
    expect(indentGoJson("{}")).toBe("{}");
    expect(indentGoJson('"s"')).toBe('"s"');
  });

  it("quotes as json.Marshal: HTML characters and line separators escaped, lone surrogates replaced", () => {
    expect(quoteGoJson("<a & b>\u2028\u0000\ud800")).toBe('"\\u003ca \\u0026 b\\u003e\\u2028\\u0000\ufffd"');
    expect(quoteGoJson("😀é")).toBe('"😀é"');
  });

  it("formats floats as Go: -0 kept, float32 at the shortest digits that read back the same", () => {
    expect(formatGoJsonFloat(-0)).toBe("-0");
    expect(formatGoJsonFloat(Math.fround(1.1), true)).toBe("1.1");
    expect(shortestFloat32(Math.fround(3.4028234663852886e38))).toBe(3.4028235e38);
  });
});
