// Runs the h2grpc command in-process, as a user would type it, collecting what it prints; a
// started command can be fed stdin piece by piece and watched as it prints.
import { runH2grpc } from "../../src/cli/h2grpc-command.js";

/** What one command printed, and its exit status. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command still running. */
export interface RunningCli {
  /** Adds text to its stdin. */
  write(text: string): void;
  /** Closes its stdin. */
  end(): void;
  /** Resolves once stdout contains `text` (at once if it already does). */
  waitForStdout(text: string): Promise<void>;
  readonly result: Promise<CliResult>;
  /** True once the command has returned. */
  readonly isDone: boolean;
}

/** Runs `h2grpc <argv>` to the end with `stdin` (for `-d @`) as its input; `isTerminal` pretends stdout is a terminal. */
export function runCli(argv: readonly string[], stdin = "", isTerminal = false): Promise<CliResult> {
  const running = startCli(argv, isTerminal);
  running.write(stdin);
  running.end();
  return running.result;
}

/** Starts `h2grpc <argv>`; its stdin stays open until end(). */
export function startCli(argv: readonly string[], isTerminal = false): RunningCli {
  let stdout = "";
  let stderr = "";
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const chunks: string[] = [];
  let isEnded = false;
  let wake: (() => void) | undefined;
  const stdin = async function* (): AsyncGenerator<string> {
    for (;;) {
      const chunk = chunks.shift();
      if (chunk !== undefined) yield chunk;
      else if (isEnded) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  let isDone = false;
  const result = runH2grpc(argv, {
    stdout: (text) => {
      stdout += text;
      for (const waiter of waiters.filter((w) => stdout.includes(w.text))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    stderr: (text) => (stderr += text),
    stdin,
    isTerminal,
  }).then((code) => {
    isDone = true;
    return { code, stdout, stderr };
  });
  return {
    write(text) {
      if (text !== "") chunks.push(text);
      wake?.();
    },
    end() {
      isEnded = true;
      wake?.();
    },
    waitForStdout(text) {
      if (stdout.includes(text)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ text, resolve }));
    },
    result,
    get isDone() {
      return isDone;
    },
  };
}
