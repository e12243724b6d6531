import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { findFreePort } from "../transport/free-port.js";
import { reusePortUnsupportedReason } from "../transport/reuse-port.js";
import { CLUSTER_DEFAULTS, checkClusterOptions, type ServeClusterOptions, type ServerCluster } from "./cluster-options.js";
import { PORT_ENV, WORKER_ENV, isClusterMessage, runClusterWorker, type ClusterMessage } from "./cluster-worker.js";

// A worker that does not answer "drain" within this long is not waited for (it may be stuck).
const DRAIN_ANSWER_LIMIT_MS = 10_000;
// After the grace period, a worker still running this much later is killed.
const EXIT_MARGIN_MS = 5_000;
// A worker that died is replaced after this long, so a worker that crashes at once cannot spin.
const RESTART_DELAY_MS = 1_000;

/**
 * Serves one set of services from several processes on one port (README, "Server on every
 * core"). In the primary it forks `workers` copies of the running script (node:cluster), waits
 * until every one listens, replaces a worker that dies, and on SIGTERM or SIGINT shuts all of
 * them down gracefully: health NOT_SERVING in every worker first, then after `drainMs` every
 * server closes with `graceMs`. In a worker it runs `setup`, listens, and follows the primary.
 * Rejects with the first worker's setup or listen error; throws RangeError for bad options and
 * Error when `listen.reusePort` is asked of a Node or platform without it.
 */
export async function serveCluster(options: ServeClusterOptions): Promise<ServerCluster> {
  checkClusterOptions(options);
  if (cluster.isWorker) return runClusterWorker(options, process.env[WORKER_ENV] === "1");
  const unsupported = options.listen?.reusePort === true ? reusePortUnsupportedReason() : undefined;
  if (unsupported !== undefined) throw new Error(unsupported);
  const primary = new ClusterPrimary(options);
  await primary.start(options.workers ?? availableParallelism());
  return primary;
}

class ClusterPrimary implements ServerCluster {
  readonly isPrimary = true;
  readonly #options: ServeClusterOptions;
  readonly #workers = new Set<Worker>();
  readonly #restartTimers = new Set<NodeJS.Timeout>();
  readonly #onSignal = (): void => void this.close();
  #port = 0;
  #closing: Promise<void> | undefined;
  #markClosed: () => void = () => {};
  readonly closed = new Promise<void>((resolve) => (this.#markClosed = resolve));

  constructor(options: ServeClusterOptions) {
    this.#options = options;
  }

  get port(): number {
    return this.#port;
  }

  get workerPids(): readonly number[] {
    return [...this.#workers].flatMap((worker) => (worker.process.pid === undefined ? [] : [worker.process.pid]));
  }

  async start(count: number): Promise<void> {
    const listen = this.#options.listen ?? {};
    // Every worker is told one port: with port 0 they would each get another (reusePort), or share
    // the primary's handle only until the last worker dies (round-robin).
    this.#port = listen.port !== undefined && listen.port !== 0 ? listen.port : await findFreePort(listen.host ?? "127.0.0.1");
    // The primary accepts and hands connections out in turn (net.md: the default except on
    // Windows); NODE_CLUSTER_SCHED_POLICY=none would leave it to the kernel's accept races.
    if (listen.reusePort !== true) cluster.schedulingPolicy = cluster.SCHED_RR;
    cluster.setupPrimary({
      exec: this.#options.script ?? process.argv[1],
      args: [...(this.#options.args ?? process.argv.slice(2))],
    });
    try {
      await Promise.all(Array.from({ length: count }, () => this.#startWorker()));
    } catch (error) {
      this.#closing = Promise.resolve(); // no replacements for the workers killed here
      for (const worker of this.#workers) worker.process.kill("SIGKILL");
      throw error;
    }
    for (const signal of this.#options.signals ?? CLUSTER_DEFAULTS.signals) process.on(signal, this.#onSignal);
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  #startWorker(): Promise<Worker> {
    const worker = cluster.fork({ [WORKER_ENV]: "1", [PORT_ENV]: String(this.#port) });
    this.#workers.add(worker);
    worker.once("exit", (code, signal) => this.#onExit(worker, code, signal));
    return new Promise((resolve, reject) => {
      const onMessage = (message: unknown): void => {
        if (!isClusterMessage(message)) return;
        if (message.h2grpcCluster === "listening") resolve(worker);
        else if (message.h2grpcCluster === "failed") reject(new Error(`a worker failed to start: ${message.message}`));
        else return;
        worker.off("message", onMessage);
      };
      worker.on("message", onMessage);
      worker.once("exit", (code, signal) => reject(new Error(`a worker exited (${signal ?? `code ${code}`}) before it listened`)));
    });
  }

  #onExit(worker: Worker, code: number, signal: string | null): void {
    this.#workers.delete(worker);
    if (this.#closing !== undefined) return;
    const log = this.#options.log ?? console.error;
    log(`h2grpc cluster: worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
    const timer = setTimeout(() => {
      this.#restartTimers.delete(timer);
      this.#startWorker().catch((error: unknown) => log(`h2grpc cluster: ${(error as Error).message}`));
    }, RESTART_DELAY_MS);
    this.#restartTimers.add(timer);
  }

  async #shutDown(): Promise<void> {
    for (const timer of this.#restartTimers) clearTimeout(timer);
    const workers = [...this.#workers];
    // Every worker reports NOT_SERVING before any of them stops accepting (doc/health-checking.md:
    // load balancers move traffic away during the drain).
    await Promise.all(workers.map((worker) => this.#ask(worker, { h2grpcCluster: "drain" }, "draining")));
    await delay(this.#options.drainMs ?? CLUSTER_DEFAULTS.drainMs);
    const exited = workers.map(exitOf);
    for (const worker of workers) send(worker, { h2grpcCluster: "close" });
    const killTimer = setTimeout(() => {
      for (const worker of workers) worker.process.kill("SIGKILL");
    }, (this.#options.graceMs ?? CLUSTER_DEFAULTS.graceMs) + EXIT_MARGIN_MS);
    await Promise.all(exited);
    clearTimeout(killTimer);
    for (const signal of this.#options.signals ?? CLUSTER_DEFAULTS.signals) process.off(signal, this.#onSignal);
    this.#markClosed();
  }

  /** Sends `message` and resolves on the answer `reply`, on the worker's exit, or after DRAIN_ANSWER_LIMIT_MS. */
  #ask(worker: Worker, message: ClusterMessage, reply: ClusterMessage["h2grpcCluster"]): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        resolve();
      };
      const onMessage = (answer: unknown): void => {
        if (isClusterMessage(answer) && answer.h2grpcCluster === reply) done();
      };
      const timer = setTimeout(done, DRAIN_ANSWER_LIMIT_MS);
      worker.on("message", onMessage);
      void exitOf(worker).then(done);
      send(worker, message);
    });
  }
}

function send(worker: Worker, message: ClusterMessage): void {
  // A worker that is exiting may have closed its channel already; its exit settles the wait.
  if (worker.isConnected()) worker.send(message, (error: Error | null) => void error);
}

function exitOf(worker: Worker): Promise<void> {
  if (worker.process.exitCode !== null || worker.process.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => worker.process.once("exit", () => resolve()));
}
