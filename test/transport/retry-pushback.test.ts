import { describe, expect, it } from "vitest";
import { parseRetryPushback } from "../../src/transport/retry-pushback.js";

describe("grpc-retry-pushback-ms (gRFC A6 Pushback)", () => {
  it.each([
    [undefined, undefined],
    ["0", 0],
    ["250", 250],
    ["2147483647", 2147483647],
    [["30", "40"], 30],
    ["-1", -1],
    ["-500", -1],
    ["007", -1],
    ["1.5", -1],
    ["", -1],
    ["2147483648", -1],
    ["soon", -1],
  ] as const)("reads %j as %j (negative or malformed: do not retry)", (value, expected) => {
    expect(parseRetryPushback(value as string | readonly string[] | undefined)).toBe(expected);
  });
});
