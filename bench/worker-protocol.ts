import type { RunTiming, LoadResult } from "./load-driver.js";
import type { LoadScenarioName } from "./scenarios.js";

// The IPC messages between the orchestrator (main.ts) and its worker processes. Each worker
// answers every command with exactly one reply, in order.

/** Commands to a server worker. */
export type ServerCommand = { type: "rss" } | { type: "cpu" } | { type: "exit" };

/** Commands to a client worker. */
export type ClientCommand =
  | { type: "run"; scenario: LoadScenarioName; port: number; timing: RunTiming }
  /** Opens one connection and warms it up with calls, so later memory deltas exclude first-use costs. */
  | { type: "warm"; port: number }
  /** Opens `count` connections, one call on each, then leaves them idle. */
  | { type: "hold-connections"; port: number; count: number }
  /** Opens `count` bidi streams (spread over connections of STREAMS_PER_CONNECTION), one round trip each. */
  | { type: "hold-streams"; port: number; count: number }
  /** Closes everything held. */
  | { type: "release" }
  | { type: "exit" };

/** Every reply a worker sends. */
export type WorkerReply =
  /** http2Port: a server with a separate h2c port (connect-node in the browser-protocol scenarios). */
  | { type: "ready"; port: number; http2Port?: number }
  | { type: "rss"; rssBytes: number }
  /** The process's CPU time so far (user + system), in µs. */
  | { type: "cpu"; cpuUs: number }
  | { type: "result"; result: LoadResult }
  | { type: "held"; rssBeforeBytes: number; rssAfterBytes: number }
  | { type: "ok" }
  | { type: "error"; message: string };

/** The CPU time (user + system) this process has used, in µs. */
export function cpuTimeUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** The resident set size after two full GCs (when the worker runs with --expose-gc). */
export function settledRssBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().rss;
}
