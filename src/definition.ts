import type { Root } from "protobufjs";

/** The four RPC kinds, from the `stream` keywords of a method's request and response. */
export type MethodKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";

/**
 * A method's `idempotency_level` option (google/protobuf/descriptor.proto): NO_SIDE_EFFECTS
 * methods may also be called with HTTP GET (the Connect protocol); absent means unknown.
 */
export type IdempotencyLevel = "NO_SIDE_EFFECTS" | "IDEMPOTENT";

/** Turns a value into message bytes and back; `deserialize` throws on bytes that are not a message. */
export interface Serializer<In, Out = In> {
  serialize(value: In): Uint8Array;
  deserialize(bytes: Uint8Array): Out;
  /**
   * Optional: serializes into a buffer whose first `reservedBytes` bytes are left for the caller
   * (the 5-byte frame header), so framing a message costs no second buffer and copy.
   */
  serializeReserving?(value: In, reservedBytes: number): Uint8Array;
  /**
   * Optional: a buffer that several messages are serialized into one after the other, so a stream
   * writes the messages that are ready at once as one buffer (codec/frame-batch.ts).
   */
  createBatch?(): SerializerBatch<In>;
}

/** Messages serialized one after the other into one buffer (Serializer.createBatch). */
export interface SerializerBatch<In> {
  /** The bytes appended so far, reserved ones included. */
  readonly length: number;
  /**
   * Appends `reservedBytes` bytes for the caller (a frame header), then `value`; returns the
   * value's length. Throws as `serialize` does, and then appends nothing.
   */
  append(value: In, reservedBytes: number): number;
  /** Everything appended, in one buffer; the batch is empty afterwards. */
  finish(): Uint8Array;
}

/**
 * One RPC method. `Req`/`Res` are what a sender passes in (fields optional), `ReqOut`/`ResOut`
 * what a receiver gets (every field present): a client sends Req and gets ResOut, a handler
 * gets ReqOut and returns Res. `Kind` lets typed stubs map each method to its handler and client shape.
 */
export interface MethodDefinition<
  Req = unknown,
  Res = unknown,
  ReqOut = Req,
  ResOut = Res,
  Kind extends MethodKind = MethodKind,
> {
  /** The method's name in the .proto file: "SayHello". */
  readonly name: string;
  /** The name on clients and implementations: "sayHello". */
  readonly localName: string;
  /** The HTTP/2 :path: "/helloworld.Greeter/SayHello". */
  readonly path: string;
  readonly kind: Kind;
  readonly requestSerializer: Serializer<Req, ReqOut>;
  readonly responseSerializer: Serializer<Res, ResOut>;
  /** Fully qualified message type names, for reflection and error messages. */
  readonly requestType: string;
  readonly responseType: string;
  /** The method's idempotency_level option, when the .proto sets one. */
  readonly idempotency?: IdempotencyLevel;
}

/** Any method, whatever its message types (Serializer uses method syntax, so every definition fits). */
export type AnyMethodDefinition = MethodDefinition<unknown, unknown, unknown, unknown>;

/**
 * A field value of a message loaded without typed stubs, as a sender writes it. The .proto
 * decides at run time whether it fits (a client call fails with INVALID_ARGUMENT if not).
 */
export type LooseValue = string | number | boolean | null | undefined | Uint8Array | LooseMessage | readonly LooseValue[];

/** A message loaded without typed stubs, as a sender writes it: an object literal of fields. */
export interface LooseMessage {
  readonly [field: string]: LooseValue;
}

/** A method of a service loaded without typed stubs: loose messages, and a kind known only at run time. */
export type LooseMethodDefinition = MethodDefinition<LooseMessage, LooseMessage, LooseMessage, LooseMessage>;

/** A service loaded without typed stubs: `loadService("greeter.proto", "demo.v1.Greeter")`. */
export type LooseServiceDefinition = ServiceDefinition<Record<string, LooseMethodDefinition>>;

/** A service: its fully qualified name and its methods by local (lowerCamel) name. */
export interface ServiceDefinition<
  Methods extends Record<string, AnyMethodDefinition> = Record<string, AnyMethodDefinition>,
> {
  /** "helloworld.Greeter" */
  readonly typeName: string;
  readonly methods: Methods;
  /** The protobufjs root the service was loaded from; server reflection reads descriptors from it. */
  readonly root?: Root;
}
