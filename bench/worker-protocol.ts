import type { RunTiming, LoadResult } from "./load-driver.js";
import type { LoadScenarioName } from "./scenarios.js";

// The IPC messages between the orchestrator (main.ts) and its worker processes. Each worker
// answers every command with exactly one reply, in order.

/** Commands to a server worker. */
export type ServerCommand = { type: "rss" } | { type: "peak-rss" } | { type: "cpu" } | { type: "exit" };

/** How a run departs from its scenario: the scaling curves and the multi-core rows vary these. */
export interface LoadShape {
  /** Unary calls in flight (instead of the scenario's). */
  readonly inFlight?: number;
  /** Unary: a message of exactly this many bytes (instead of the scenario's). */
  readonly messageBytes?: number;
  /** Connections (clients) the calls in flight are spread over (default 1). */
  readonly connections?: number;
  /** h2grpc's ChannelOptions.connectionsPerAddress for each client. */
  readonly connectionsPerAddress?: number;
}

/** Commands to a client worker. */
export type ClientCommand =
  /** Runs a scenario, on the clients "prepare" made if any (then closed), else on new ones. */
  | { type: "run"; scenario: LoadScenarioName; port: number; timing: RunTiming; shape?: LoadShape }
  /** Connects the clients of the next run ahead of it, so that its warm-up starts at once (the orchestrator times the server's window). */
  | { type: "prepare"; port: number; shape?: LoadShape }
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
  /** The process's peak resident set size so far (getrusage ru_maxrss), in bytes. */
  | { type: "peak-rss"; peakRssBytes: number }
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

/** The peak resident set size of this process so far, in bytes. */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** The resident set size after two full GCs (when the worker runs with --expose-gc). */
export function settledRssBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().rss;
}
