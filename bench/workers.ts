import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ImplName } from "./clients/bench-client.js";
import type { ClientCommand, ServerCommand, WorkerReply } from "./worker-protocol.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
// A worker that answers nothing for this long is stuck; fail the benchmark rather than hang.
const REPLY_LIMIT_MS = 180_000;

/** A forked worker process that answers one reply per command, in order. */
export class Worker<Command extends { type: string }> {
  readonly #child: ChildProcess;
  readonly #name: string;
  readonly #waiting: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void }[] = [];
  #exitError: Error | undefined;

  private constructor(child: ChildProcess, name: string) {
    this.#child = child;
    this.#name = name;
    child.on("message", (reply: WorkerReply) => this.#waiting.shift()?.resolve(reply));
    child.on("exit", (code, signal) => {
      this.#exitError = new Error(`${name} exited (code ${code}, signal ${signal})`);
      for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#exitError);
    });
  }

  /** Forks `script` with `args`; resolves once the worker sent its first reply ("ready"). */
  static async start<Command extends { type: string }>(
    script: string,
    args: readonly string[],
    name: string,
    execArgv: readonly string[],
  ): Promise<{ worker: Worker<Command>; ready: WorkerReply }> {
    const child = fork(path.join(HERE, script), [...args], { execArgv: [...execArgv], stdio: "inherit" });
    const worker = new Worker<Command>(child, name);
    return { worker, ready: await worker.#nextReply() };
  }

  /** Sends a command and resolves with its reply; rejects on an error reply or if the worker died. */
  async request(command: Command): Promise<WorkerReply> {
    if (this.#exitError !== undefined) throw this.#exitError;
    const reply = this.#nextReply();
    this.#child.send(command);
    const answer = await reply;
    if (answer.type === "error") throw new Error(`${this.#name}: ${answer.message}`);
    return answer;
  }

  /** Asks the worker to exit and waits for it (kills it if it does not within 10 s). */
  async stop(): Promise<void> {
    if (this.#exitError !== undefined || this.#child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
    this.#child.send({ type: "exit" });
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }

  #nextReply(): Promise<WorkerReply> {
    return new Promise<WorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.#name}: no reply in ${REPLY_LIMIT_MS} ms`)), REPLY_LIMIT_MS);
      this.#waiting.push({
        resolve: (reply) => (clearTimeout(timer), resolve(reply)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
  }
}

/** A server worker and the port it listens on. */
export interface ServerWorker {
  readonly impl: ImplName;
  readonly port: number;
  readonly worker: Worker<ServerCommand>;
}

let profileSequence = 0;

/** Node flags for a worker: --expose-gc for memory readings, --cpu-prof (named after the worker) when profiling. */
export function workerExecArgv(profileDir: string | undefined, name: string): string[] {
  if (profileDir === undefined) return ["--expose-gc"];
  const file = `${name.replace(/\W+/g, "-")}.${process.pid}.${++profileSequence}.cpuprofile`;
  return ["--expose-gc", "--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${file}`];
}

/** Starts a server process of `impl`. */
export async function startServerWorker(impl: ImplName, profileDir: string | undefined): Promise<ServerWorker> {
  const name = `${impl} server`;
  const { worker, ready } = await Worker.start<ServerCommand>("server-worker.js", [impl], name, workerExecArgv(profileDir, name));
  if (ready.type !== "ready") throw new Error(`${impl} server did not start: ${JSON.stringify(ready)}`);
  return { impl, port: ready.port, worker };
}

/** Starts a client process of `impl`. */
export async function startClientWorker(impl: ImplName, profileDir: string | undefined): Promise<Worker<ClientCommand>> {
  const name = `${impl} client`;
  const { worker } = await Worker.start<ClientCommand>("client-worker.js", [impl], name, workerExecArgv(profileDir, name));
  return worker;
}

/** Reads a server worker's CPU time so far, in µs. */
export async function serverCpuUs(server: ServerWorker): Promise<number> {
  const reply = await server.worker.request({ type: "cpu" });
  if (reply.type !== "cpu") throw new Error(`unexpected reply ${reply.type}`);
  return reply.cpuUs;
}

/** Reads a server worker's peak RSS so far. */
export async function serverPeakRssBytes(server: ServerWorker): Promise<number> {
  const reply = await server.worker.request({ type: "peak-rss" });
  if (reply.type !== "peak-rss") throw new Error(`unexpected reply ${reply.type}`);
  return reply.peakRssBytes;
}

/** Reads a server worker's settled RSS. */
export async function serverRssBytes(server: ServerWorker): Promise<number> {
  const reply = await server.worker.request({ type: "rss" });
  if (reply.type !== "rss") throw new Error(`unexpected reply ${reply.type}`);
  return reply.rssBytes;
}
