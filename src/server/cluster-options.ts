import type { ListenOptions, Server } from "./server-options.js";

/** What a worker's `setup` returns: its server (not yet listening) and what to turn NOT_SERVING first. */
export interface ClusterWorkerSetup {
  /** The worker's server; serveCluster calls listen and, at shutdown, close. */
  readonly server: Pick<Server, "listen" | "close">;
  /** Set NOT_SERVING in every worker before any worker stops accepting calls (a HealthService fits). */
  readonly health?: { shutdown(): void };
  /** Runs in the worker after its server closed, before the worker exits (close databases here). */
  readonly onClosed?: () => void | Promise<void>;
}

/** Options of serveCluster. */
export interface ServeClusterOptions {
  /** Builds one worker's server; runs in every worker process, never in the primary. */
  readonly setup: () => ClusterWorkerSetup | Promise<ClusterWorkerSetup>;
  /** How many worker processes (default os.availableParallelism()). */
  readonly workers?: number;
  /**
   * Where every worker listens. Port 0 picks one free port for all of them. Without `reusePort`
   * the primary accepts connections and hands them to the workers in turn (node:cluster
   * round-robin, any Node); with it each worker binds its own socket and the kernel spreads
   * connections (Node 22.12+ on Linux).
   */
  readonly listen?: ListenOptions;
  /** At shutdown, how long every worker reports NOT_SERVING before they stop accepting calls (default 1000). */
  readonly drainMs?: number;
  /** Then how long calls in flight may finish before they are cancelled (default 10000). */
  readonly graceMs?: number;
  /** Signals that start the graceful shutdown, in the primary and in each worker (default SIGTERM and SIGINT; [] to call close() yourself). */
  readonly signals?: readonly NodeJS.Signals[];
  /** The script workers run, which must call serveCluster again (default: this process's main script, process.argv[1]). */
  readonly script?: string;
  /** Arguments of that script (default: this process's, process.argv.slice(2)). */
  readonly args?: readonly string[];
  /** Where the primary reports a worker that died and its replacement (default console.error). */
  readonly log?: (line: string) => void;
}

/** A running cluster, as the primary sees it, or one worker of it. */
export interface ServerCluster {
  /** True in the primary process, false in a worker. */
  readonly isPrimary: boolean;
  /** The port every worker listens on. */
  readonly port: number;
  /** The process ids of the workers (in the primary; in a worker, its own). */
  readonly workerPids: readonly number[];
  /**
   * Shuts down gracefully: in the primary, every worker turns NOT_SERVING, then after drainMs
   * every server closes with graceMs, and it resolves once every worker exited; in a worker, the
   * same for that worker alone. Safe to call twice.
   */
  close(): Promise<void>;
  /** In the primary, resolves once the cluster has shut down, by close() or a signal (a worker exits instead). */
  readonly closed: Promise<void>;
}

/** The defaults of ServeClusterOptions. */
export const CLUSTER_DEFAULTS = { drainMs: 1_000, graceMs: 10_000, signals: ["SIGTERM", "SIGINT"] } as const;

/** Throws RangeError for a worker count or a duration that is not a whole number of the right size. */
export function checkClusterOptions(options: ServeClusterOptions): void {
  if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 1)) {
    throw new RangeError(`workers must be a whole number of at least 1, got ${String(options.workers)}`);
  }
  for (const name of ["drainMs", "graceMs"] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new RangeError(`${name} must be a number ≥ 0, got ${String(value)}`);
  }
}
