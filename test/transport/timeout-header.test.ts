import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatTimeoutHeader, parseTimeoutHeader } from "../../src/transport/timeout-header.js";
import { Status } from "../../src/status.js";
import { catchGrpcError } from "../helpers/catch-grpc-error.js";
import { assertProperty } from "../helpers/property.js";

const HOUR_MS = 3_600_000;
const MAX_FORMATTABLE_MS = 99_999_999 * HOUR_MS;

describe("parseTimeoutHeader", () => {
  // grpc-go internal/transport http_util_test.go TestDecodeTimeout, in milliseconds.
  it.each([
    ["1234S", 1_234_000],
    ["1234m", 1234],
    ["1234H", 1234 * HOUR_MS],
    ["1234M", 1234 * 60_000],
    ["1234u", 1.234],
    ["1234n", 0.001234],
    ["0m", 0],
    ["12345678S", 12_345_678_000],
    ["99999999H", 99_999_999 * HOUR_MS],
    ["00000001S", 1000],
  ])("parses %j as %d ms", (header, ms) => {
    expect(parseTimeoutHeader(header)).toBeCloseTo(ms, 9);
  });

  it.each([
    "", // too short
    "1", // no unit
    "S", // no value
    "1234x", // unknown unit
    "1234s", // units are case-sensitive: "s" is not seconds
    "123456789S", // 9 digits: the spec allows at most 8
    "000000000S", // 9 digits, even if they are zeros (grpc-go: "timeout string is too long")
    "-1S",
    "+1S",
    "1.5S",
    " 1S",
    "1S ",
    "1 S",
    "1SS",
    "１S", // a full-width digit
  ])("rejects %j with INTERNAL, as grpc-go does", (header) => {
    const error = catchGrpcError(() => parseTimeoutHeader(header));
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.details).toBe(`malformed grpc-timeout: ${JSON.stringify(header)}`);
  });

  it("returns undefined when the header is absent", () => {
    expect(parseTimeoutHeader(undefined)).toBeUndefined();
  });
});

describe("formatTimeoutHeader", () => {
  it.each([
    [0, "0m"],
    [-5, "0m"],
    [0.2, "1m"], // rounds up: the server never sees a shorter timeout
    [1, "1m"],
    [2000, "2000m"],
    [99_999_999, "99999999m"],
    [100_000_000, "100000S"],
    [100_000_001, "100001S"],
    [99_999_999_000, "99999999S"],
    [99_999_999_001, "1666667M"],
    [99_999_999 * 60_000 + 1, "1666667H"],
    [MAX_FORMATTABLE_MS, "99999999H"],
    [Number.MAX_SAFE_INTEGER, "99999999H"],
    [Number.POSITIVE_INFINITY, "99999999H"],
  ])("formats %d ms as %j", (ms, header) => {
    expect(formatTimeoutHeader(ms)).toBe(header);
  });

  it("always writes at most 8 digits and a unit", () => {
    assertProperty(
      fc.property(fc.double({ min: 0, max: 1e18, noNaN: true }), (ms) => {
        expect(formatTimeoutHeader(ms)).toMatch(/^\d{1,8}[HMSm]$/);
      }),
    );
  });

  it("round-trips: parse(format(ms)) is never shorter than ms and at most one unit longer", () => {
    const units = [1, 1000, 60_000, HOUR_MS];
    assertProperty(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 200_000_000 }), fc.integer({ min: 0, max: MAX_FORMATTABLE_MS }), fc.double({ min: 0, max: 1e6, noNaN: true })),
        (ms) => {
          const header = formatTimeoutHeader(ms);
          const parsed = parseTimeoutHeader(header) as number;
          const unitMs = units["mSMH".indexOf(header.slice(-1))] as number;
          expect(parsed).toBeGreaterThanOrEqual(ms);
          expect(parsed - ms).toBeLessThanOrEqual(unitMs);
        },
      ),
    );
  });
});
