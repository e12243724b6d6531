import protobuf from "protobufjs/minimal.js";

/** A google.protobuf.Any: a type URL and the serialized message it names. */
export interface AnyMessage {
  readonly typeUrl: string;
  readonly value: Uint8Array;
}

/** A google.rpc.Status, the payload of the `grpc-status-details-bin` trailer. */
export interface RpcStatus {
  readonly code: number;
  readonly message: string;
  readonly details: readonly AnyMessage[];
}

// google/rpc/status.proto: code = 1 (int32), message = 2 (string), details = 3 (repeated Any);
// google/protobuf/any.proto: type_url = 1 (string), value = 2 (bytes). Hand-written so that the
// vocabulary needs no .proto file at run time.

/** Serializes a google.rpc.Status. */
export function encodeRpcStatus(status: RpcStatus): Uint8Array {
  const writer = protobuf.Writer.create();
  if (status.code !== 0) writer.uint32(8).int32(status.code);
  if (status.message !== "") writer.uint32(18).string(status.message);
  for (const any of status.details) {
    writer.uint32(26).fork();
    if (any.typeUrl !== "") writer.uint32(10).string(any.typeUrl);
    if (any.value.length > 0) writer.uint32(18).bytes(any.value);
    writer.ldelim();
  }
  return writer.finish();
}

/** Parses a google.rpc.Status; returns undefined for bytes that are not one. */
export function decodeRpcStatus(bytes: Uint8Array): RpcStatus | undefined {
  try {
    // The base Reader, even for a Buffer: protobufjs's BufferReader does not bound-check strings.
    const reader = new protobuf.Reader(bytes);
    let code = 0;
    let message = "";
    const details: AnyMessage[] = [];
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag === 8) code = reader.int32();
      else if (tag === 18) message = reader.string();
      else if (tag === 26) details.push(decodeAny(reader.bytes()));
      else reader.skipType(tag & 7);
    }
    return { code, message, details };
  } catch {
    return undefined;
  }
}

function decodeAny(bytes: Uint8Array): AnyMessage {
  const reader = new protobuf.Reader(bytes);
  let typeUrl = "";
  let value: Uint8Array = new Uint8Array(0);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 10) typeUrl = reader.string();
    else if (tag === 18) value = reader.bytes();
    else reader.skipType(tag & 7);
  }
  return { typeUrl, value };
}
