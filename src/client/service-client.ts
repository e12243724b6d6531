import type { KindUnknown, MethodDefinition, MethodKind, ServiceDefinition } from "../definition.js";
import type { CallOptions } from "./call-options.js";
import type { BidiStreamingCall, ClientStreamingCall, ServerStreamingCall } from "./calls.js";

/** Requests given up front: an Iterable or AsyncIterable, pulled as the stream drains. */
export type RequestSource<Req> = Iterable<Req> | AsyncIterable<Req>;

/** A unary method on a client. */
export type UnaryMethod<Req, ResOut> = (request: Req, options?: CallOptions) => Promise<ResOut>;
/** A server-streaming method on a client. */
export type ServerStreamingMethod<Req, ResOut> = (request: Req, options?: CallOptions) => ServerStreamingCall<ResOut>;
/** A client-streaming method: with an iterable it resolves to the response; without, it returns a call to write to. */
export interface ClientStreamingMethod<Req, ResOut> {
  (requests: RequestSource<Req>, options?: CallOptions): Promise<ResOut>;
  (options?: CallOptions): ClientStreamingCall<Req, ResOut>;
}
/** A bidi method: with an iterable the requests are pulled from it; without, write to the returned call. */
export interface BidiStreamingMethod<Req, ResOut> {
  (requests: RequestSource<Req>, options?: CallOptions): BidiStreamingCall<Req, ResOut>;
  (options?: CallOptions): BidiStreamingCall<Req, ResOut>;
}

/**
 * A method of a client whose definition was loaded without typed stubs: it takes a message, or
 * an iterable of them, and returns what its kind returns (a Promise for unary and client-streaming
 * calls given their requests, an async iterable call object for server-streaming and bidi calls),
 * which only the .proto knows; generate typed stubs (h2grpc-gen) for exact types.
 */
export interface LooseClientMethod<Req> {
  (request: Req | RequestSource<Req>, options?: CallOptions): KindUnknown;
  (options?: CallOptions): KindUnknown;
}

/** The client shape a method definition calls for (LooseClientMethod when its kind is not known to TypeScript). */
export type ClientMethodFor<M> =
  M extends MethodDefinition<infer Req, infer _Res, infer _ReqOut, infer ResOut, infer Kind>
    ? [MethodKind] extends [Kind]
      ? LooseClientMethod<Req>
      : Kind extends "unary"
      ? UnaryMethod<Req, ResOut>
      : Kind extends "server_streaming"
        ? ServerStreamingMethod<Req, ResOut>
        : Kind extends "client_streaming"
          ? ClientStreamingMethod<Req, ResOut>
          : BidiStreamingMethod<Req, ResOut>
    : never;

/** A typed client: one lowerCamel method per RPC. */
export type ServiceClient<D extends ServiceDefinition> = {
  readonly [K in keyof D["methods"]]: ClientMethodFor<D["methods"][K]>;
};
