import { describe, expect, it } from "vitest";
import { formatGoDuration, parseGoFlags, UsageError } from "../../src/cli/go-flags.js";

const SPECS = {
  plaintext: { type: "boolean" },
  d: { type: "string" },
  H: { type: "string", multiple: true },
  concurrency: { type: "string", short: "c" },
} as const;

describe("parseGoFlags", () => {
  it("reads Go's spellings: -flag value, -flag=value, --flag, and values that start with a dash", () => {
    const { values, positionals } = parseGoFlags(["-plaintext", "-d", "-1", "addr", "--H=a: 1", "-H", "b: 2", "-c=5", "method"], SPECS);
    expect(values).toEqual({ plaintext: true, d: "-1", H: ["a: 1", "b: 2"], concurrency: "5" });
    expect(positionals).toEqual(["addr", "method"]);
  });

  it("reads -flag=false as off and stops at --", () => {
    expect(parseGoFlags(["-plaintext=false", "--", "-d"], SPECS)).toEqual({ values: {}, positionals: ["-d"] });
  });

  it.each([
    [["-nope"], "flag provided but not defined: -nope"],
    [["-d"], "flag needs an argument: -d"],
    [["-plaintext=maybe"], 'invalid boolean value "maybe" for -plaintext'],
  ])("refuses %j with Go's words", (argv, message) => {
    expect(() => parseGoFlags(argv, SPECS)).toThrow(new UsageError(message));
  });
});

describe("formatGoDuration", () => {
  it.each([
    [0, "0s"],
    [1000, "1s"],
    [1500, "1.5s"],
    [250, "250ms"],
    [1.5, "1.5ms"],
    [90_000, "1m30s"],
    [3_600_000, "1h0m0s"],
  ])("prints %d ms as %s", (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});
