import type { LooseMessage, MethodDefinition, MethodKind, ServiceDefinition } from "../definition.js";
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
 * What a call of a method loaded without typed stubs returns, as far as TypeScript can tell:
 * only the .proto, read at run time, knows the method's kind, so the type offers what every kind
 * has. Use the part the kind really returns: `await` a unary call (or a client-streaming call
 * given its requests); `for await` a server-streaming or bidi call; `write`/`end` and `response`
 * on a streaming call made without requests. Typed stubs (h2grpc-gen) give each method its exact shape.
 */
export type LooseCall = Promise<LooseMessage> & BidiStreamingCall<LooseMessage, LooseMessage> & ClientStreamingCall<LooseMessage, LooseMessage>;

/**
 * A method of a client whose definition was loaded without typed stubs: it takes a message, or
 * an iterable of them, and returns what its kind returns (see LooseCall).
 */
export interface LooseClientMethod<Req> {
  (request: Req | RequestSource<Req>, options?: CallOptions): LooseCall;
  (options?: CallOptions): LooseCall;
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
