import type { MethodDefinition, ServiceDefinition } from "../definition.js";
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

/** The client shape a method definition calls for. */
export type ClientMethodFor<M> =
  M extends MethodDefinition<infer Req, infer _Res, infer _ReqOut, infer ResOut, infer Kind>
    ? Kind extends "unary"
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
