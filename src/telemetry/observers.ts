import type {
  CallObserver,
  ClientAttemptInfo,
  ClientAttemptObservation,
  ClientCallInfo,
  ClientCallObservation,
  ConnectionEvent,
  ServerCallInfo,
  ServerCallObservation,
} from "./call-observer.js";
import { diagnosticsObserver, hasDiagnosticsSubscribers } from "./diagnostics.js";

// The process-wide list of call observers: the diagnostics channels' publisher (it declines calls
// while nobody subscribes), then whatever was added (the trace log, OpenTelemetry).
const observers: CallObserver[] = [diagnosticsObserver];

/** Adds an observer of every call and connection of this process; returns a function that removes it. */
export function addCallObserver(observer: CallObserver): () => void {
  observers.push(observer);
  return () => {
    const at = observers.indexOf(observer);
    if (at >= 0) observers.splice(at, 1);
  };
}

/** True when some observer is registered or a diagnostics channel has a subscriber: the one check an unobserved call pays. */
export function isObserving(): boolean {
  return observers.length > 1 || hasDiagnosticsSubscribers();
}

/** The observations of a starting client call, combined; undefined when nobody observes it. */
export function observeClientCall(info: ClientCallInfo): ClientCallObservation | undefined {
  return combine(observers.map((observer) => observer.onClientCall?.(info)), combineClientCalls);
}

/** The observations of a starting server call, combined; undefined when nobody observes it. */
export function observeServerCall(info: ServerCallInfo): ServerCallObservation | undefined {
  return combine(observers.map((observer) => observer.onServerCall?.(info)), combineServerCalls);
}

/** Tells every observer about a connection event. */
export function reportConnection(event: ConnectionEvent): void {
  for (const observer of observers) observer.onConnection?.(event);
}

function combine<T>(all: readonly (T | undefined)[], merge: (present: readonly T[]) => T): T | undefined {
  const present = all.filter((observation): observation is T => observation !== undefined);
  if (present.length === 0) return undefined;
  return present.length === 1 ? present[0] : merge(present);
}

function combineClientCalls(all: readonly ClientCallObservation[]): ClientCallObservation {
  return {
    onAttemptStart: (attempt: ClientAttemptInfo) =>
      combine(all.map((observation) => observation.onAttemptStart?.(attempt)), combineAttempts),
    onEnd: (error, trailers) => {
      for (const observation of all) observation.onEnd?.(error, trailers);
    },
  };
}

function combineAttempts(all: readonly ClientAttemptObservation[]): ClientAttemptObservation {
  return {
    onMessageSent: (bytes) => {
      for (const observation of all) observation.onMessageSent?.(bytes);
    },
    onMessageReceived: (bytes) => {
      for (const observation of all) observation.onMessageReceived?.(bytes);
    },
    onEnd: (error) => {
      for (const observation of all) observation.onEnd?.(error);
    },
  };
}

function combineServerCalls(all: readonly ServerCallObservation[]): ServerCallObservation {
  return {
    // The first observer's scope is outermost.
    runInScope: <T>(run: () => T): T =>
      all.reduceRight<() => T>((inner, observation) => (observation.runInScope === undefined ? inner : () => observation.runInScope!(inner)), run)(),
    onMessageReceived: (bytes) => {
      for (const observation of all) observation.onMessageReceived?.(bytes);
    },
    onMessageSent: (bytes) => {
      for (const observation of all) observation.onMessageSent?.(bytes);
    },
    onEnd: (error) => {
      for (const observation of all) observation.onEnd?.(error);
    },
  };
}
