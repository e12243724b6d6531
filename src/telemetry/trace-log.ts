import type { GrpcError } from "../grpc-error.js";
import { Status } from "../status.js";
import type { CallObserver, ConnectionEvent } from "./call-observer.js";
import { addCallObserver } from "./observers.js";

/** The kinds of events the trace log can write. */
export type TraceCategory = "call" | "connection";

/** One line of the trace log, as the logger receives it. */
export interface TraceEvent {
  /** ISO time. */
  readonly time: string;
  /** "client.call.start", "client.attempt.start", "client.call.end", "server.call.start", "server.call.end", "connection". */
  readonly event: string;
  readonly [field: string]: string | number | boolean | undefined;
}

/** What the trace log writes and where. */
export interface TraceLogOptions {
  /** Default: every category. */
  readonly categories?: readonly TraceCategory[];
  /** Receives each event; default: one JSON line on stderr. */
  readonly logger?: (event: TraceEvent) => void;
}

/**
 * Writes one structured line per call and connection event (like grpc-js's GRPC_TRACE); returns
 * a function that stops it. H2GRPC_TRACE=all (or "call", "connection", comma-separated) turns it
 * on from the environment. Nothing is observed, and nothing costs, while it is off.
 */
export function enableTraceLog(options: TraceLogOptions = {}): () => void {
  const categories = new Set(options.categories ?? ["call", "connection"]);
  const log = options.logger ?? writeToStderr;
  const emit = (event: string, fields: Record<string, string | number | boolean | undefined>): void => {
    try {
      log({ time: new Date().toISOString(), event, ...fields });
    } catch {
      // A failing logger must not fail the call it logs.
    }
  };
  const observer: CallObserver = {};
  if (categories.has("call")) {
    observer.onClientCall = (info) => {
      const startedAt = performance.now();
      emit("client.call.start", { path: info.path, target: info.target, timeoutMs: remainingMs(info.deadline) });
      return {
        onAttemptStart(attempt) {
          emit("client.attempt.start", { path: info.path, address: attempt.address, attempt: attempt.attempt, transparent: attempt.isTransparentRetry });
          return undefined;
        },
        onEnd(error) {
          emit("client.call.end", { path: info.path, target: info.target, ...statusFields(error), ms: elapsed(startedAt) });
        },
      };
    };
    observer.onServerCall = (info) => {
      const startedAt = performance.now();
      emit("server.call.start", { path: info.path, peer: info.peer, timeoutMs: remainingMs(info.deadline) });
      return {
        onEnd(error) {
          emit("server.call.end", { path: info.path, peer: info.peer, ...statusFields(error), ms: elapsed(startedAt) });
        },
      };
    };
  }
  if (categories.has("connection")) {
    observer.onConnection = (event: ConnectionEvent) => {
      const error = event.error instanceof Error ? event.error.message : event.error === undefined ? undefined : String(event.error);
      emit("connection", { side: event.side, kind: event.kind, address: event.address, error });
    };
  }
  return addCallObserver(observer);
}

/** Turns the trace log on when H2GRPC_TRACE asks for it; called once when h2grpc loads. */
export function enableTraceLogFromEnvironment(value = process.env["H2GRPC_TRACE"]): (() => void) | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const words = value.split(",").map((word) => word.trim().toLowerCase());
  const categories: TraceCategory[] = words.includes("all") ? ["call", "connection"] : words.filter(isTraceCategory);
  return categories.length === 0 ? undefined : enableTraceLog({ categories });
}

function isTraceCategory(word: string): word is TraceCategory {
  return word === "call" || word === "connection";
}

function writeToStderr(event: TraceEvent): void {
  process.stderr.write(`h2grpc ${JSON.stringify(event)}\n`);
}

function statusFields(error: GrpcError | undefined): Record<string, string | undefined> {
  return { status: Status[error === undefined ? Status.OK : error.code], details: error?.details };
}

function remainingMs(deadline: number | undefined): number | undefined {
  return deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
}

function elapsed(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 1000) / 1000;
}
