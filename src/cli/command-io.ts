// Where a command reads and writes, passed in so that tests run commands in-process and see
// exactly what they print.

/** The standard streams of a command. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Standard input as text chunks, read only when a command asks for it (`-d @`). */
  readonly stdin: () => AsyncIterable<string>;
  /** True when stdout is a terminal: `bench` draws its progress bar only then. */
  readonly isTerminal: boolean;
}


/** The process's own streams; a closed stdout (EPIPE, as under `| head`) ends the output quietly instead of crashing. */
export function processIo(): CommandIo {
  let isStdoutClosed = false;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") isStdoutClosed = true;
    else process.stderr.write(`h2grpc: cannot write to stdout: ${error.message}\n`);
  });
  return {
    stdout: (text) => {
      if (!isStdoutClosed) process.stdout.write(text);
    },
    stderr: (text) => process.stderr.write(text),
    stdin: () => {
      process.stdin.setEncoding("utf8");
      return process.stdin as AsyncIterable<string>;
    },
    isTerminal: process.stdout.isTTY === true,
  };
}
