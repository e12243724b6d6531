// Runs test programs in child processes (for SIGSTOP, SIGKILL, process exit and memory
// measurements) against h2grpc compiled from src/ into a private directory, so no other test's
// build of dist/ interferes; TypeScript programs (the interop client) are compiled there too.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// Inside the repo so that the compiled files resolve protobufjs from its node_modules; one
// directory per test process, so parallel runs never read each other's half-written output.
const OUT_DIR = path.join(ROOT, "node_modules", ".cache", `h2grpc-client-tests-${process.pid}`);
/** The compiled library entry point, for children to import. */
export const LIBRARY_ENTRY = path.join(OUT_DIR, "index.js");

let built: Promise<void> | undefined;
const builtPrograms = new Map<string, Promise<string>>();

async function compile(entry: string, outDir: string, rootDir: string): Promise<void> {
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const args = [tsc, entry, "--outDir", outDir, "--rootDir", rootDir, "--module", "NodeNext",
    "--moduleResolution", "NodeNext", "--target", "ES2022", "--skipLibCheck", "--types", "node", "--ignoreConfig"];
  // Type errors are the typecheck's business; tsc still emits.
  await promisify(execFile)(process.execPath, args, { cwd: ROOT }).catch(() => {});
}

/** Compiles src/ once per test process; throws if the entry point was not produced. */
export function buildLibrary(): Promise<void> {
  built ??= (async () => {
    await compile(path.join(ROOT, "src", "index.ts"), OUT_DIR, path.join(ROOT, "src"));
    if (!existsSync(LIBRARY_ENTRY)) throw new Error(`building the library for child processes produced no ${LIBRARY_ENTRY}`);
    // The health and reflection services load their .proto files from protos/ two levels above
    // services/ (src/services/standard-protos.ts): one link serves every test process's build.
    const protosLink = path.join(OUT_DIR, "..", "protos");
    if (!existsSync(protosLink)) symlinkSync(path.join(ROOT, "protos"), protosLink, "dir");
  })();
  return built;
}

/**
 * Compiles a TypeScript program of the repository (e.g. "test/interop/client.ts") with what it
 * imports, once per test process; resolves with the path of its JavaScript entry point.
 */
export function buildProgram(entry: string): Promise<string> {
  let program = builtPrograms.get(entry);
  if (program === undefined) {
    program = (async () => {
      const outDir = path.join(OUT_DIR, "programs");
      await compile(path.join(ROOT, entry), outDir, ROOT);
      const output = path.join(outDir, entry.replace(/\.ts$/, ".js"));
      if (!existsSync(output)) throw new Error(`building ${entry} for a child process produced no ${output}`);
      return output;
    })();
    builtPrograms.set(entry, program);
  }
  return program;
}

/** Deletes the compiled library; call once the children are done (vitest may not let 'exit' handlers run). */
export function removeLibrary(): void {
  rmSync(OUT_DIR, { recursive: true, force: true });
  built = undefined;
  builtPrograms.clear();
}

/** A running child program and the lines it printed. */
export interface Child {
  readonly process: ChildProcess;
  /**
   * Resolves with the first stdout line matching `pattern` (among lines from index `fromLine` on,
   * default all); rejects if the child exits first or after `timeoutMs`.
   */
  waitForLine(pattern: RegExp, timeoutMs?: number, fromLine?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code, or kills the child and rejects after `timeoutMs`. */
  exit(timeoutMs: number): Promise<number | null>;
  stderr(): string;
  /** Every stdout line printed so far. */
  lines(): readonly string[];
}

/**
 * Starts the program `script` (a path from the repository root) with node and `nodeFlags`, the
 * library path as its first argument, and `env` added to the environment.
 */
export function startChild(script: string, args: readonly string[] = [], nodeFlags: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Child {
  return startProgram(process.execPath, [...nodeFlags, path.join(ROOT, script), LIBRARY_ENTRY, ...args], env);
}

/** Starts `command` with `args` in the repository root, collecting its output. */
export function startProgram(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (text: string) => {
    if (stderr.length < 65536) stderr += text;
  });
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  createInterface({ input: child.stdout! }).on("line", (line) => {
    lines.push(line);
    for (const listener of listeners) listener(line);
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return {
    process: child,
    stderr: () => stderr,
    lines: () => lines,
    waitForLine(pattern, timeoutMs = 20_000, fromLine = 0) {
      return new Promise((resolve, reject) => {
        const seen = lines.slice(fromLine).map((line) => pattern.exec(line)).find((match) => match !== null);
        if (seen) return resolve(seen);
        const timer = setTimeout(() => done(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        const listener = (line: string): void => {
          const match = pattern.exec(line);
          if (match) done(undefined, match);
        };
        const done = (error?: Error, match?: RegExpExecArray): void => {
          clearTimeout(timer);
          listeners.delete(listener);
          if (error) reject(error);
          else resolve(match!);
        };
        listeners.add(listener);
        void exited.then((code) => done(new Error(`child exited (${code}) before printing ${pattern}; stderr: ${stderr}`)));
      });
    },
    async exit(timeoutMs) {
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      if (child.signalCode === "SIGKILL") throw new Error(`child did not exit within ${timeoutMs} ms; stderr: ${stderr}`);
      return code;
    },
  };
}
