import type { AnyMethodDefinition, LooseMessage, MethodDefinition, MethodKind, ServiceDefinition } from "../definition.js";
import type { ServerCallContext } from "./call-context.js";

/** A unary handler: one request in, one response out. */
export type UnaryHandler<ReqOut, Res> = (request: ReqOut, context: ServerCallContext) => Promise<Res> | Res;
/** A server-streaming handler: one request in; the server pulls responses as the stream drains. */
export type ServerStreamingHandler<ReqOut, Res> = (
  request: ReqOut,
  context: ServerCallContext,
) => AsyncIterable<Res> | Iterable<Res>;
/** A client-streaming handler: reads requests as an async iterable, returns one response. */
export type ClientStreamingHandler<ReqOut, Res> = (
  requests: AsyncIterable<ReqOut>,
  context: ServerCallContext,
) => Promise<Res> | Res;
/** A bidi handler: requests in as an async iterable, responses pulled as the stream drains. */
export type BidiStreamingHandler<ReqOut, Res> = (
  requests: AsyncIterable<ReqOut>,
  context: ServerCallContext,
) => AsyncIterable<Res> | Iterable<Res>;

/**
 * What a handler of a method loaded without typed stubs receives, as far as TypeScript can tell:
 * a message (unary, server-streaming) or an async iterable of them (client-streaming, bidi), as
 * the method's kind in the .proto says. Read its fields, or iterate it, as the kind says.
 */
export type LooseRequests = LooseMessage & AsyncIterable<LooseMessage>;

/**
 * A handler of a method loaded without typed stubs: it gets LooseRequests and returns (a promise
 * of) one response or an iterable of responses; the server checks at run time that the shape
 * fits the kind and each response fits its type.
 */
export type LooseHandler<Res> = (
  requestOrRequests: LooseRequests,
  context: ServerCallContext,
) => Promise<Res> | Res | AsyncIterable<Res> | Iterable<Res>;

/** The handler shape a method definition calls for (LooseHandler when its kind is not known to TypeScript). */
export type HandlerFor<M> =
  M extends MethodDefinition<infer _Req, infer Res, infer ReqOut, infer _ResOut, infer Kind>
    ? [MethodKind] extends [Kind]
      ? LooseHandler<Res>
      : Kind extends "unary"
      ? UnaryHandler<ReqOut, Res>
      : Kind extends "server_streaming"
        ? ServerStreamingHandler<ReqOut, Res>
        : Kind extends "client_streaming"
          ? ClientStreamingHandler<ReqOut, Res>
          : Kind extends "bidi_streaming"
            ? BidiStreamingHandler<ReqOut, Res>
            : AnyHandler
    : never;

/** Any of the four handler shapes. */
export type AnyHandler =
  | UnaryHandler<unknown, unknown>
  | ServerStreamingHandler<unknown, unknown>
  | ClientStreamingHandler<unknown, unknown>
  | BidiStreamingHandler<unknown, unknown>;

/**
 * An implementation of a service: one handler per method, by local (lowerCamel) name. A method
 * left out answers UNIMPLEMENTED, like grpc-go's embedded Unimplemented server.
 */
export type ServiceImpl<D extends ServiceDefinition> = {
  readonly [K in keyof D["methods"]]?: HandlerFor<D["methods"][K]>;
};

/** Re-exported for handler authors who work with untyped definitions. */
export type { AnyMethodDefinition };
