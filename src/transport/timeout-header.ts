import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";

// PROTOCOL-HTTP2: Timeout → TimeoutValue TimeoutUnit; TimeoutValue → {positive integer as ASCII
// string of at most 8 digits}; TimeoutUnit → Hour / Minute / Second / Millisecond / Microsecond / Nanosecond.
const MAX_TIMEOUT_VALUE = 99_999_999;
const TIMEOUT_PATTERN = /^(\d{1,8})([HMSmun])$/;

const MS_PER_UNIT: Readonly<Record<string, number>> = {
  H: 3_600_000,
  M: 60_000,
  S: 1_000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

// Coarser units in order; the finest that fits in 8 digits wins, rounding up so the server never
// sees a shorter timeout than the client has.
const FORMAT_UNITS: readonly (readonly [string, number])[] = [
  ["m", 1],
  ["S", 1_000],
  ["M", 60_000],
  ["H", 3_600_000],
];

/** Formats a remaining time (ms, at least 0) as a grpc-timeout value, e.g. "2000m"; caps at 99999999H. */
export function formatTimeoutHeader(timeoutMs: number): string {
  const ms = Math.max(0, Math.ceil(timeoutMs));
  for (const [unit, size] of FORMAT_UNITS) {
    const value = Math.ceil(ms / size);
    if (value <= MAX_TIMEOUT_VALUE) return `${value}${unit}`;
  }
  return `${MAX_TIMEOUT_VALUE}H`;
}

/** Parses "100m" into milliseconds; returns undefined if absent; throws INTERNAL if malformed (as grpc-go). */
export function parseTimeoutHeader(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = TIMEOUT_PATTERN.exec(header);
  if (match === null) throw new GrpcError(Status.INTERNAL, `malformed grpc-timeout: ${JSON.stringify(header)}`);
  return Number(match[1]) * (MS_PER_UNIT[match[2] as string] as number);
}
