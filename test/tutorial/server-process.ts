// `npm start` as a real process, for tests: the launcher (which builds dist/ when it is stale)
// with PORT=0, resolved once it has printed its banner.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A running `npm start`, with every line it printed so far. */
export interface StartedProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** "127.0.0.1:40123" */
  readonly address: string;
  readonly output: string[];
}

/** Starts `npm start -- <args>` with PORT=0; resolves with its address once it has printed its banner; rejects if it exits first. */
export async function startServerProcess(args: readonly string[]): Promise<StartedProcess> {
  const child = spawn(process.execPath, ["examples/tutorial/launch.mjs", "server", ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0" },
  });
  const output: string[] = [];
  child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const address = await new Promise<string>((resolve, reject) => {
    let listening: string | undefined;
    lines.on("line", (line) => {
      output.push(line);
      listening ??= /listening on (\S+),/.exec(line)?.[1];
      if (listening !== undefined && line.includes("shuts down gracefully")) resolve(listening);
    });
    child.once("exit", (code) => reject(new Error(`the server exited with ${code} before listening:\n${output.join("\n")}`)));
  });
  return { child, address, output };
}
