// The constants of grpc/grpc doc/interop-test-descriptions.md, shared by every TypeScript client
// and server here, so each number is written once.

/** Every test case the interop clients implement, in the order `--test_case=all` runs them. */
export const TEST_CASES = [
  "empty_unary",
  "large_unary",
  "client_streaming",
  "server_streaming",
  "ping_pong",
  "empty_stream",
  "timeout_on_sleeping_server",
  "cancel_after_begin",
  "cancel_after_first_response",
  "custom_metadata",
  "status_code_and_message",
  "special_status_message",
  "unimplemented_method",
  "unimplemented_service",
  "client_compressed_unary",
  "server_compressed_unary",
  "client_compressed_streaming",
  "server_compressed_streaming",
] as const;

/** One interop test case name. */
export type TestCase = (typeof TEST_CASES)[number];

/** Returns true for a name in TEST_CASES. */
export function isTestCase(name: string): name is TestCase {
  return (TEST_CASES as readonly string[]).includes(name);
}

export const LARGE_REQUEST_BYTES = 271_828;
export const LARGE_RESPONSE_BYTES = 314_159;
/** client_streaming request sizes; their sum is 74922. */
export const STREAMING_REQUEST_SIZES = [27_182, 8, 1_828, 45_904] as const;
/** server_streaming / ping_pong response sizes. */
export const STREAMING_RESPONSE_SIZES = [31_415, 9, 2_653, 58_979] as const;

export const ECHO_INITIAL_KEY = "x-grpc-test-echo-initial";
export const ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin";
export const ECHO_INITIAL_VALUE = "test_initial_metadata_value";
export const ECHO_TRAILING_VALUE = Uint8Array.of(0xab, 0xab, 0xab);

export const STATUS_MESSAGE = "test status message";
export const SPECIAL_STATUS_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \u{1F608}\t\n";

/** A zero-filled payload body of `bytes` bytes, as the spec's requests and responses carry. */
export function zeros(bytes: number): Uint8Array {
  return new Uint8Array(bytes);
}

/** How each case is reported: the matrix parses these lines. */
export type CaseOutcome = { readonly kind: "pass" } | { readonly kind: "fail" | "n/a"; readonly reason: string };

/** Formats one result line: "PASS empty_unary 12ms", "FAIL large_unary 40ms: why", "N/A x: why". */
export function formatOutcome(testCase: string, outcome: CaseOutcome, elapsedMs: number): string {
  const ms = `${Math.round(elapsedMs)}ms`;
  if (outcome.kind === "pass") return `PASS ${testCase} ${ms}`;
  const reason = outcome.reason.replace(/\s+/g, " ").trim();
  return outcome.kind === "fail" ? `FAIL ${testCase} ${ms}: ${reason}` : `N/A ${testCase}: ${reason}`;
}

/** Thrown by a case to report that the library under test cannot express it; never a pass. */
export class NotExpressible extends Error {
  override readonly name = "NotExpressible";
}

/** Throws an Error with `message` unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
