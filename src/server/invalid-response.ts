import type { Serializer } from "../definition.js";
import { GrpcError } from "../grpc-error.js";
import type { Compression } from "../codec/compression.js";
import { InvalidMessageError } from "../codec/message-check.js";
import { encodeMessage } from "../codec/message-codec.js";
import { Status } from "../status.js";

/**
 * A handler's response that does not fit its message type: the client gets INTERNAL with a
 * generic `details` (the field names are the server's business), while `message`, which
 * onCallError logs, names the field, the expected type and what the handler returned.
 */
export class InvalidResponseError extends GrpcError {
  constructor(cause: InvalidMessageError) {
    super(Status.INTERNAL, "the server's response does not fit its message type", undefined, { cause });
    this.message = `[INTERNAL] the response does not fit its type: ${cause.message}`;
  }
}

/** encodeMessage for a response: throws InvalidResponseError for a response that does not fit its type. */
export function encodeResponse(
  serializer: Serializer<unknown, unknown>,
  value: unknown,
  compression: Compression | undefined,
  maxSendBytes: number,
): Uint8Array | Promise<Uint8Array> {
  try {
    return encodeMessage(serializer, value, compression, maxSendBytes);
  } catch (error) {
    throw asResponseError(error);
  }
}

/** What an encoding error becomes for a response: InvalidResponseError for one that does not fit its type, else itself. */
export function asResponseError(error: unknown): unknown {
  return error instanceof GrpcError && error.cause instanceof InvalidMessageError ? new InvalidResponseError(error.cause) : error;
}
