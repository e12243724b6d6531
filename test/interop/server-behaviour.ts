// The TestService behaviour both TypeScript interop servers (h2grpc's and the grpc-js peer's)
// share, as pure functions: grpc/grpc doc/interop-test-descriptions.md, "Server".
import { setTimeout as sleep } from "node:timers/promises";
import type { BoolValue, EchoStatus, Payload, ResponseParameters } from "./interop-messages.js";
import { zeros } from "./interop-spec.js";

/** A zero-filled COMPRESSABLE payload of `size` bytes (UnaryCall, StreamingOutputCall). */
export function payloadOf(size: number): Payload {
  return { type: "COMPRESSABLE", body: zeros(size) };
}

/** The status to end the call with (Echo Status), or undefined when the request asks for none. */
export function echoedStatus(status: EchoStatus | null): EchoStatus | undefined {
  return status !== null && status.code !== 0 ? status : undefined;
}

/**
 * The INVALID_ARGUMENT details for a request whose compression does not match expect_compressed
 * (CompressedRequest), or undefined when it matches or nothing was expected. Like C-core's
 * interop server, an uncompressed request is checked too: expect_compressed false rejects a
 * compressed message. Throws Error when the flag was needed but not observed (no wire tap):
 * that is a broken test setup, never an answer to the client's probe.
 */
export function compressionMismatch(expect: BoolValue | null, wasCompressed: boolean | undefined): string | undefined {
  if (expect === null) return undefined;
  if (wasCompressed === undefined) throw new Error("the request's compressed flag was not observed; is installWireTap() called?");
  if (expect.value && !wasCompressed) return "expected a compressed request, got an uncompressed one";
  if (!expect.value && wasCompressed) return "expected an uncompressed request, got a compressed one";
  return undefined;
}

/** Sleeps for a response's interval_us (Observe ResponseParameters.interval_us); resolves at once for 0. */
export async function waitInterval(parameters: ResponseParameters): Promise<void> {
  if (parameters.intervalUs > 0) await sleep(parameters.intervalUs / 1000);
}
