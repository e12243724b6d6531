import diagnosticsChannel from "node:diagnostics_channel";
import type { GrpcError } from "../grpc-error.js";
import type { Metadata } from "../metadata.js";
import { Status } from "../status.js";
import type {
  CallObserver,
  ClientCallInfo,
  ClientCallObservation,
  ConnectionEvent,
  ServerCallInfo,
  ServerCallObservation,
} from "./call-observer.js";

// node:diagnostics_channel, so APM agents follow h2grpc without monkey-patching, as they do
// undici and node:http (README, Observability). Two tracing channels, whose message object is
// the same from start to asyncEnd (subscribers may keep their state on it), and two plain ones.

/** `tracing:h2grpc:client:call:{start,end,asyncStart,asyncEnd,error}`. */
export const CLIENT_CALL_CHANNEL = "h2grpc:client:call";
/** `tracing:h2grpc:server:call:{start,end,asyncStart,asyncEnd,error}`. */
export const SERVER_CALL_CHANNEL = "h2grpc:server:call";
/** Client connection events: { kind: "connecting" | "ready" | "goaway" | "closed", address, error? }. */
export const CLIENT_CONNECTION_CHANNEL = "h2grpc:client:connection";
/** Server connection events, the same shape. */
export const SERVER_CONNECTION_CHANNEL = "h2grpc:server:connection";

/** The message of a client call's tracing channel events. */
export interface ClientCallMessage {
  /** "/pkg.Service/Method" */
  readonly path: string;
  readonly target: string;
  /** The request metadata: a start subscriber may add to it (trace context). */
  readonly metadata: Metadata;
  readonly deadline: number | undefined;
  /** Set at the end: the status code (0 for OK). */
  code?: Status;
  /** Set at the end of a failed call. */
  error?: GrpcError;
  /** Set at the end. */
  trailers?: Metadata;
}

/** The message of a server call's tracing channel events. */
export interface ServerCallMessage {
  readonly path: string;
  readonly metadata: Metadata;
  readonly peer: string;
  readonly deadline: number | undefined;
  code?: Status;
  error?: GrpcError;
}

const clientCall = diagnosticsChannel.tracingChannel<ClientCallMessage>(CLIENT_CALL_CHANNEL);
const serverCall = diagnosticsChannel.tracingChannel<ServerCallMessage>(SERVER_CALL_CHANNEL);
const clientConnection = diagnosticsChannel.channel(CLIENT_CONNECTION_CHANNEL);
const serverConnection = diagnosticsChannel.channel(SERVER_CONNECTION_CHANNEL);

type AnyTracingChannel = typeof clientCall | typeof serverCall;

function hasSubscribers(channel: AnyTracingChannel): boolean {
  return (
    channel.start.hasSubscribers ||
    channel.end.hasSubscribers ||
    channel.asyncStart.hasSubscribers ||
    channel.asyncEnd.hasSubscribers ||
    channel.error.hasSubscribers
  );
}

/** True when a diagnostics channel of h2grpc has a subscriber. */
export function hasDiagnosticsSubscribers(): boolean {
  return (
    hasSubscribers(clientCall) || hasSubscribers(serverCall) || clientConnection.hasSubscribers || serverConnection.hasSubscribers
  );
}

/** The observer that publishes to the diagnostics channels (consulted only while they have subscribers). */
export const diagnosticsObserver: CallObserver = {
  onClientCall(info: ClientCallInfo): ClientCallObservation | undefined {
    if (!hasSubscribers(clientCall)) return undefined;
    const message: ClientCallMessage = { path: info.path, target: info.target, metadata: info.metadata, deadline: info.deadline };
    clientCall.start.publish(message);
    clientCall.end.publish(message);
    return {
      onEnd(error, trailers) {
        message.code = error === undefined ? Status.OK : error.code;
        message.trailers = trailers;
        if (error !== undefined) {
          message.error = error;
          clientCall.error.publish(message);
        }
        clientCall.asyncStart.publish(message);
        clientCall.asyncEnd.publish(message);
      },
    };
  },

  onServerCall(info: ServerCallInfo): ServerCallObservation | undefined {
    if (!hasSubscribers(serverCall)) return undefined;
    const message: ServerCallMessage = { path: info.path, metadata: info.metadata, peer: info.peer, deadline: info.deadline };
    let scopes = 0;
    return {
      // The first scope is the call's arrival (start, with bound stores, around the interceptors);
      // the second the handler's (asyncStart, whose stores the handler's async work inherits).
      runInScope<T>(run: () => T): T {
        if (scopes++ === 0) {
          const result = serverCall.start.runStores(message, run);
          serverCall.end.publish(message);
          return result;
        }
        return serverCall.asyncStart.runStores(message, run);
      },
      onEnd(error) {
        message.code = error === undefined ? Status.OK : error.code;
        if (error !== undefined) {
          message.error = error;
          serverCall.error.publish(message);
        }
        serverCall.asyncEnd.publish(message);
      },
    };
  },

  onConnection(event: ConnectionEvent): void {
    const channel = event.side === "client" ? clientConnection : serverConnection;
    if (channel.hasSubscribers) channel.publish(event);
  },
};
