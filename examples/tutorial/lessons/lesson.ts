// What every lesson gets: where the server is, and where to print. Lessons print what the
// tutorial's Go clients print: log.Println lines carry Go's "2006/01/02 15:04:05 " prefix,
// fmt.Println lines do not.
import { GrpcError, Status } from "h2grpc";

/** The environment of one lesson run. */
export interface LessonOptions {
  /** "127.0.0.1:50051" */
  readonly address: string;
  /** Prints one line (the command line prints to stdout; tests collect the lines). */
  readonly print: (line: string) => void;
  /** The pause between two messages a streaming lesson sends (default 1000, as the tutorial's time.Sleep). */
  readonly pauseMs?: number;
  /** Where the TLS lesson finds the server's certificate (default .tutorial-tls/). */
  readonly certificateDir?: string;
}

/** A lesson: resolves when it is done; rejects with the GrpcError of a call that failed. */
export type Lesson = (options: LessonOptions) => Promise<void>;

/** Formats a line as Go's log.Println does: local time "2006/01/02 15:04:05 " then the text. */
export function goLog(text: string, now: Date = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  const date = `${now.getFullYear()}/${pad(now.getMonth() + 1)}/${pad(now.getDate())}`;
  return `${date} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())} ${text}`;
}

/** Formats a string field as Go's protobuf text format prints it: "a \"b\"" (JSON quoting is close enough for printable text). */
export function quoted(value: string): string {
  return JSON.stringify(value);
}

/** Describes an error as grpc-go's status error prints: "rpc error: code = DeadlineExceeded desc = ...". */
export function goError(error: unknown): string {
  if (!(error instanceof GrpcError)) return error instanceof Error ? error.message : String(error);
  return `rpc error: code = ${goCodeName(error.code)} desc = ${error.details}`;
}

/** grpc-go's name of a status code: DEADLINE_EXCEEDED → "DeadlineExceeded", OK → "OK". */
export function goCodeName(code: Status): string {
  const name = Status[code];
  if (name === "OK") return name;
  return name.split("_").map((word) => word.charAt(0) + word.slice(1).toLowerCase()).join("");
}
