import { isStatus, Status } from "../../status.js";

// Readers for the JSON values of grpc's service_config.proto (proto3 JSON mapping): each takes the
// value and the path it was found at, and throws TypeError naming both when it does not fit.

/** The error for a value that does not fit at `path`. */
export function invalidConfig(path: string, expected: string, value: unknown): TypeError {
  return new TypeError(`invalid service config: ${path} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
}

/** An object (not an array, not null); throws TypeError otherwise. */
export function readObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidConfig(path, "an object", value);
  return value as Record<string, unknown>;
}

/** An array, or [] when absent; throws TypeError otherwise. */
export function readArray(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidConfig(path, "an array", value);
  return value;
}

/** A boolean or undefined. */
export function readBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw invalidConfig(path, "true or false", value);
}

/** A string or undefined. */
export function readString(value: unknown, path: string): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  throw invalidConfig(path, "a string", value);
}

/** A number (proto3 JSON also writes integers as strings) or undefined; `isValid` says what else it must be. */
export function readNumber(value: unknown, path: string, expected: string, isValid: (n: number) => boolean): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number) || !isValid(number)) throw invalidConfig(path, expected, value);
  return number;
}

// proto3 JSON for google.protobuf.Duration: seconds with up to nine fractional digits and an "s".
const DURATION = /^(\d+)(?:\.(\d{1,9}))?s$/;

/** A non-negative google.protobuf.Duration ("1.5s", "0.000100s") in ms, or undefined. */
export function readDurationMs(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === "string" ? DURATION.exec(value) : null;
  if (match === null) throw invalidConfig(path, 'a duration like "1.5s"', value);
  return Number(match[1]) * 1000 + Number(`0.${match[2] ?? "0"}`) * 1000;
}

/** A list of status codes, each a name ("UNAVAILABLE") or a number; never OK. */
export function readStatusCodes(value: unknown, path: string): ReadonlySet<Status> {
  const codes = new Set<Status>();
  readArray(value, path).forEach((item, index) => {
    const code = typeof item === "string" ? (Status as unknown as Record<string, unknown>)[item.toUpperCase()] : item;
    if (typeof code !== "number" || !isStatus(code) || code === Status.OK) {
      throw invalidConfig(`${path}[${index}]`, 'a status code other than OK ("UNAVAILABLE" or 14)', item);
    }
    codes.add(code);
  });
  return codes;
}
