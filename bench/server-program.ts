import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

/** A server running as a program of its own (not a bench worker): its port and the processes serving it. */
export interface ServerProgram {
  readonly port: number;
  /** Every process of the server (a cluster's primary and workers), for their CPU time. */
  readonly pids: readonly number[];
  /** SIGTERM, then SIGKILL if it has not exited after 10 s. */
  stop(): Promise<void>;
}

const START_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 10_000;

/**
 * Starts `command` with `args`; resolves once it prints "listening on <port>", optionally followed
 * by " pids <pid>,<pid>" (otherwise the program's own pid serves); rejects if it exits first or
 * stays silent for START_LIMIT_MS. Its stderr goes to this process's.
 */
export function startServerProgram(command: string, args: readonly string[]): Promise<ServerProgram> {
  const child = spawn(command, [...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise<ServerProgram>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not print "listening on <port>" within ${START_LIMIT_MS} ms`));
    }, START_LIMIT_MS);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(" ")} exited (${code}) before listening`));
    };
    child.once("exit", onExit);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const match = /^listening on (\d+)(?: pids ([\d,]+))?$/.exec(line.trim());
      if (match === null) return;
      clearTimeout(timer);
      child.off("exit", onExit);
      const pids = match[2]?.split(",").map(Number) ?? [child.pid as number];
      resolve({ port: Number(match[1]), pids, stop: () => stopProgram(child) });
    });
  });
}

async function stopProgram(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_LIMIT_MS);
  await exited;
  clearTimeout(timer);
}
