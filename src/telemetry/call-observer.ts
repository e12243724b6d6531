import type { GrpcError } from "../grpc-error.js";
import type { Metadata } from "../metadata.js";

// What the call pipelines tell observers (diagnostics channels, the trace log, OpenTelemetry):
// the vocabulary of the telemetry layer. Every hook is optional; a pipeline asks for an
// observation only when an observer is registered or a channel has subscribers, so an
// unobserved call pays one check (ARCHITECTURE.md §8).

/** A client call as observers see it when it starts. */
export interface ClientCallInfo {
  /** "/pkg.Service/Method" */
  readonly path: string;
  /** The channel's target, as the user gave it ("dns:///svc:50051"). */
  readonly target: string;
  /** The request metadata, which an observer may add to (trace context) before the call starts. */
  readonly metadata: Metadata;
  /** Epoch ms, or undefined for none. */
  readonly deadline: number | undefined;
}

/** One attempt of a client call on one connection (a transparent retry is a second one). */
export interface ClientAttemptInfo {
  /** The server's address, "127.0.0.1:50051", as the connection dialled it. */
  readonly address: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** True when the attempt resends a call the server never saw (REFUSED_STREAM, after GOAWAY). */
  readonly isTransparentRetry: boolean;
}

/** What an observer follows of one attempt. */
export interface ClientAttemptObservation {
  /** A request message of `bytes` (as sent: compressed if it was) went out. */
  onMessageSent?(bytes: number): void;
  /** A response message of `bytes` (as received) arrived. */
  onMessageReceived?(bytes: number): void;
  /** The attempt ended: undefined for OK. */
  onEnd?(error: GrpcError | undefined): void;
}

/** What an observer follows of one client call. */
export interface ClientCallObservation {
  onAttemptStart?(attempt: ClientAttemptInfo): ClientAttemptObservation | undefined;
  /** The call ended, with its trailers; undefined for OK. */
  onEnd?(error: GrpcError | undefined, trailers: Metadata): void;
}

/** A server call as observers see it when it starts. */
export interface ServerCallInfo {
  /** "/pkg.Service/Method" */
  readonly path: string;
  /** True when the server has the method (metrics name unknown ones "other", as gRFC A66 says). */
  readonly isRegistered: boolean;
  /** The request metadata (trace context arrives here). */
  readonly metadata: Metadata;
  /** The client's address. */
  readonly peer: string;
  /** Epoch ms, or undefined for none. */
  readonly deadline: number | undefined;
}

/** What an observer follows of one server call. */
export interface ServerCallObservation {
  /**
   * Runs the call's interceptors and handler inside the observer's scope (a trace context, an
   * AsyncLocalStorage store), so what they do asynchronously belongs to the call.
   */
  runInScope?<T>(run: () => T): T;
  onMessageReceived?(bytes: number): void;
  onMessageSent?(bytes: number): void;
  /** The call ended (status sent, or aborted): undefined for OK. */
  onEnd?(error: GrpcError | undefined): void;
}

/** A connection event: the client's, or the server's. */
export interface ConnectionEvent {
  readonly side: "client" | "server";
  readonly kind: "connecting" | "ready" | "goaway" | "closed";
  /** The remote address ("127.0.0.1:50051"). */
  readonly address: string;
  /** For "closed": why, when something failed. */
  readonly error?: unknown;
}

/** Something that watches calls and connections (registered with addCallObserver). */
export interface CallObserver {
  onClientCall?(info: ClientCallInfo): ClientCallObservation | undefined;
  onServerCall?(info: ServerCallInfo): ServerCallObservation | undefined;
  onConnection?(event: ConnectionEvent): void;
}
