// Runs the h2grpc command in-process, as a user would type it, collecting what it prints.
import { runH2grpc } from "../../src/cli/h2grpc-command.js";

/** What one command printed, and its exit status. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `h2grpc <argv>`; `stdin` feeds `-d @` (one chunk per element, or an async iterable). */
export async function runCli(argv: readonly string[], stdin: Iterable<string> | AsyncIterable<string> = []): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await runH2grpc(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stdin: () => (Symbol.asyncIterator in stdin ? stdin : (async function* () { yield* stdin; })()),
    isTerminal: false,
  });
  return { code, stdout, stderr };
}
