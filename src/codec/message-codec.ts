import type { Serializer } from "../definition.js";
import { encodeFrame, FRAME_HEADER_BYTES, writeFrameHeader } from "../framing/frame.js";
import type { Frame } from "../framing/frame.js";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import type { Compression } from "./compression.js";
import { InvalidMessageError } from "./message-check.js";

/** grpc-go's default send limit is effectively unlimited (MaxInt32); so is ours. */
export const DEFAULT_MAX_SEND_MESSAGE_BYTES = 2 ** 31 - 1;

/** Serializes a message; throws INVALID_ARGUMENT if the value does not fit its type, INTERNAL if it cannot be serialized otherwise. */
export function serializeMessage<In>(serializer: Serializer<In, unknown>, value: In): Uint8Array {
  try {
    return serializer.serialize(value);
  } catch (error) {
    throw serializeError(error);
  }
}

/**
 * What a serializer's throw becomes: a value that does not fit its message type is the caller's
 * mistake (INVALID_ARGUMENT, as grpc-go's marshalling errors on the client); anything else INTERNAL.
 */
export function serializeError(error: unknown): GrpcError {
  if (error instanceof InvalidMessageError) {
    return new GrpcError(Status.INVALID_ARGUMENT, `message does not fit its type: ${error.message}`, undefined, { cause: error });
  }
  return new GrpcError(Status.INTERNAL, `could not serialize message: ${(error as Error).message}`, undefined, { cause: error });
}

/**
 * Serializes and frames one message: the bytes to write for it. Uncompressed messages are
 * serialized straight after room for the frame header (one buffer, no copy) when the serializer
 * can; throws INTERNAL if the value cannot be serialized and RESOURCE_EXHAUSTED, sending nothing,
 * past `maxSendBytes`. Synchronous unless compressing.
 */
export function encodeMessage<In>(
  serializer: Serializer<In, unknown>,
  value: In,
  compression: Compression | undefined,
  maxSendBytes: number,
): Uint8Array | Promise<Uint8Array> {
  if (compression !== undefined || serializer.serializeReserving === undefined) {
    return frameMessage(serializeMessage(serializer, value), compression, maxSendBytes);
  }
  let framed: Uint8Array;
  try {
    framed = serializer.serializeReserving(value, FRAME_HEADER_BYTES);
  } catch (error) {
    throw serializeError(error);
  }
  const payloadBytes = framed.length - FRAME_HEADER_BYTES;
  checkSendSize(payloadBytes, maxSendBytes);
  writeFrameHeader(framed, 0, payloadBytes, false);
  return framed;
}

/**
 * Turns a serialized message into frame bytes, compressing it when `compression` is given;
 * throws RESOURCE_EXHAUSTED, sending nothing, if the payload passes `maxSendBytes`.
 * Returns synchronously when there is no compression: the hot path never awaits.
 */
export function frameMessage(
  payload: Uint8Array,
  compression: Compression | undefined,
  maxSendBytes: number,
): Uint8Array | Promise<Uint8Array> {
  if (compression === undefined) {
    checkSendSize(payload.length, maxSendBytes);
    return encodeFrame(payload, false);
  }
  return compression.compress(payload).then((compressed) => {
    checkSendSize(compressed.length, maxSendBytes);
    return encodeFrame(compressed, true);
  });
}

/** Throws RESOURCE_EXHAUSTED for a message of `bytes` past `maxSendBytes`. */
export function checkSendSize(bytes: number, maxSendBytes: number): void {
  if (bytes > maxSendBytes) {
    throw new GrpcError(Status.RESOURCE_EXHAUSTED, `sent message of ${bytes} bytes, limit is ${maxSendBytes}`);
  }
}

/**
 * Turns a received frame into a message: inflates it if flagged compressed, then deserializes.
 * Throws INTERNAL for a compressed frame without a negotiated `grpc-encoding` and for bytes that
 * are not a valid message, RESOURCE_EXHAUSTED for a message that inflates past `maxReceiveBytes`.
 * Returns synchronously for uncompressed frames.
 */
export function decodeMessage<Out>(
  serializer: Serializer<unknown, Out>,
  frame: Frame,
  compression: Compression | undefined,
  maxReceiveBytes: number,
): Out | Promise<Out> {
  if (!frame.compressed) return deserializeMessage(serializer, frame.payload);
  if (compression === undefined) {
    // PROTOCOL-HTTP2: a Compressed-Flag of 1 with identity (or no) Message-Encoding is an error.
    throw new GrpcError(Status.INTERNAL, "received a compressed message but grpc-encoding is identity or absent");
  }
  return compression.decompress(frame.payload, maxReceiveBytes).then((bytes) => deserializeMessage(serializer, bytes));
}

/**
 * Deserializes; throws INTERNAL with the parser's reason for bytes that are not a valid message,
 * or the serializer's own GrpcError (JSON that does not fit its type is INVALID_ARGUMENT).
 */
export function deserializeMessage<Out>(serializer: Serializer<unknown, Out>, bytes: Uint8Array): Out {
  try {
    return serializer.deserialize(bytes);
  } catch (error) {
    if (error instanceof GrpcError) throw error;
    throw new GrpcError(Status.INTERNAL, `could not parse received message: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
}
