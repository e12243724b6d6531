// gRFC A6 "Pushback": a server may tell the client when to retry, in the trailers.

/** The trailer a server sets to say when (or whether) to retry. */
export const RETRY_PUSHBACK_HEADER = "grpc-retry-pushback-ms";
/** The request header that counts an attempt's predecessors (absent on the first attempt). */
export const PREVIOUS_ATTEMPTS_HEADER = "grpc-previous-rpc-attempts";

// "an ASCII encoded signed 32-bit integer with no unnecessary leading zeros"
const PUSHBACK = /^(0|-?[1-9]\d{0,9})$/;

/**
 * The pushback in ms from a `grpc-retry-pushback-ms` value: undefined when absent, -1 ("do not
 * retry") when negative or malformed, as gRFC A6 says.
 */
export function parseRetryPushback(value: string | number | readonly string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === "object" ? value[0] : String(value);
  if (text === undefined || !PUSHBACK.test(text)) return -1;
  const ms = Number(text);
  return ms < 0 || ms > 2 ** 31 - 1 ? -1 : ms;
}
