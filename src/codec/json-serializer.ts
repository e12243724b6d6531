import type { Type } from "protobufjs";
import type { AnyMethodDefinition, Serializer } from "../definition.js";
import { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import type { MessageObject } from "./message-fields.js";
import { fromProtoJson } from "./proto-json-read.js";
import { toProtoJson } from "./proto-json-write.js";
import { createProtobufSerializer } from "./protobuf-serializer.js";

// Messages as proto3 JSON (protobuf.dev/programming-guides/json), for Connect's application/json
// and gRPC-Web's +json: camelCase names, 64-bit integers as strings, enums by name, bytes as
// base64, the well-known types in their JSON forms; written and read by the functions the CLI
// uses (proto-json-write.ts, proto-json-read.ts, after grpc-go's jsonpb). Values pass through the
// binary form on the way, so a handler sees exactly the objects a protobuf call would give it,
// and a response is checked against its type the same way.

const decoder = new TextDecoder("utf-8", { fatal: true });
const serializers = new WeakMap<Type, Serializer<unknown>>();

/**
 * The JSON serializer of a protobufjs message type, made once per type: `serialize` throws as
 * the protobuf serializer does for a value that does not fit; `deserialize` throws
 * INVALID_ARGUMENT for text that is not UTF-8 JSON of the type (an unknown field, a wrong value).
 */
export function createJsonSerializer(type: Type): Serializer<unknown> {
  const cached = serializers.get(type);
  if (cached !== undefined) return cached;
  const binary = createProtobufSerializer(type);
  const resolveAny = (typeUrl: string): Type | undefined => lookupAnyType(type, typeUrl);
  const serializer: Serializer<unknown> = {
    serialize(value: unknown): Uint8Array {
      const message = type.decode(binary.serialize(value)) as unknown as MessageObject;
      return Buffer.from(toProtoJson(type, message, { resolveAny }), "utf8");
    },
    deserialize(bytes: Uint8Array): unknown {
      let message: MessageObject;
      try {
        message = fromProtoJson(type, decoder.decode(bytes), { resolveAny });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new GrpcError(Status.INVALID_ARGUMENT, `invalid JSON for ${type.fullName.slice(1)}: ${reason}`, undefined, { cause: error });
      }
      return binary.deserialize(type.encode(message).finish());
    },
  };
  serializers.set(type, serializer);
  return serializer;
}

// An Any names its type by URL, "type.googleapis.com/pkg.Message": looked up in the type's own Root.
function lookupAnyType(type: Type, typeUrl: string): Type | undefined {
  try {
    return type.root.lookupType(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
  } catch {
    return undefined;
  }
}

const methodTypes = new WeakMap<AnyMethodDefinition, readonly [request: Type, response: Type]>();

/** Records the protobufjs types of a method loaded from .proto files, for jsonSerializersOf. */
export function registerMessageTypes(method: AnyMethodDefinition, request: Type, response: Type): void {
  methodTypes.set(method, [request, response]);
}

/**
 * The JSON serializers of a method's request and response, or undefined for a method that was
 * not loaded from .proto files (a hand-written definition has only its own serializers).
 */
export function jsonSerializersOf(method: AnyMethodDefinition): { request: Serializer<unknown>; response: Serializer<unknown> } | undefined {
  const types = methodTypes.get(method);
  if (types === undefined) return undefined;
  return { request: createJsonSerializer(types[0]), response: createJsonSerializer(types[1]) };
}
