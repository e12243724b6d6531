// Child processes of the interop matrix: peer servers that announce their port, and clients
// whose output is one line per case. Every child is tracked and killed by stopAll(), which the
// matrix also runs on exit, so no server outlives it.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

/** A program to run: the executable and its arguments before the interop flags. */
export interface Program {
  readonly command: string;
  readonly args: readonly string[];
}

/** One line of a client's report. */
export interface CaseResult {
  readonly testCase: string;
  readonly outcome: "pass" | "fail" | "n/a";
  readonly reason: string;
}

const SERVER_START_TIMEOUT_MS = 20_000;
/** A whole client run (every case of one pairing) is stopped after this long. */
const CLIENT_RUN_TIMEOUT_MS = 90_000;

const children = new Set<ChildProcess>();

function start(program: Program, flags: readonly string[]): ChildProcess {
  const child = spawn(program.command, [...program.args, ...flags], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

function collectStderr(child: ChildProcess): () => string {
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  return () => stderr.trim().split("\n").slice(-3).join(" | ");
}

/** Starts a server with `flags`; resolves with its port once it prints "listening on <port>"; rejects if it exits or stays silent. */
export async function startServer(program: Program, flags: readonly string[]): Promise<number> {
  const child = start(program, flags);
  const stderr = collectStderr(child);
  const lines = createInterface({ input: child.stdout! });
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${SERVER_START_TIMEOUT_MS} ms: ${stderr()}`)), SERVER_START_TIMEOUT_MS);
    lines.on("line", (line) => {
      const match = /^listening on (\d+)$/.exec(line.trim());
      if (match === null) return;
      clearTimeout(timer);
      resolve(Number(match[1]));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code}: ${stderr()}`));
    });
  });
}

const RESULT_LINE = /^(PASS|FAIL|N\/A) (\S+)(?: \d+ms)?(?:: (.*))?$/;

/** Runs a client to completion; resolves with the case lines it printed, plus a FAIL for every expected case it did not report. */
export async function runClient(program: Program, flags: readonly string[], expected: readonly string[]): Promise<CaseResult[]> {
  const child = start(program, flags);
  const stderr = collectStderr(child);
  const results = new Map<string, CaseResult>();
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const match = RESULT_LINE.exec(line.trim());
    if (match === null) return;
    const outcome = match[1] === "PASS" ? "pass" : match[1] === "FAIL" ? "fail" : "n/a";
    results.set(match[2] as string, { testCase: match[2] as string, outcome, reason: match[3] ?? "" });
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), CLIENT_RUN_TIMEOUT_MS);
  const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  const exit = signal !== null ? `killed by ${signal}` : `exit code ${code}`;
  return expected.map(
    (testCase) => results.get(testCase) ?? { testCase, outcome: "fail", reason: `no result from the client (${exit}): ${stderr()}` },
  );
}

/** Kills every child still running (SIGTERM, then SIGKILL for any that linger); resolves when all are gone. */
export async function stopAll(): Promise<void> {
  const running = [...children];
  await Promise.all(
    running.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

/** Synchronous last resort for process exit: SIGKILL whatever is left. */
export function killAllNow(): void {
  for (const child of children) child.kill("SIGKILL");
}
