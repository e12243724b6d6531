// The tutorial's Go programs (test/interop/go/tutorial/): built by build-tutorial.sh from Debian's
// grpc-go 1.33 sources, the server started like the interop peers (it prints "listening on
// <port>"), the client run one lesson at a time with what it printed collected.
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startServer } from "../interop-processes.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The build script; it names the Debian packages to install when something is missing. */
export const TUTORIAL_BUILD_SCRIPT = path.join(HERE, "build-tutorial.sh");
/** The Debian packages the Go tutorial programs are built from. */
export const GO_TUTORIAL_PACKAGES = "golang-go golang-google-grpc-dev golang-github-golang-protobuf-1-3-dev protobuf-compiler";
/** A cold build compiles grpc-go (~20 s on one core): allow for a loaded machine. */
export const BUILD_TIMEOUT_MS = 150_000;
/** A client run: the deadline lesson waits 3 s; the rest take milliseconds. */
const CLIENT_TIMEOUT_MS = 60_000;
// golang/protobuf 1.3 logs at start-up that the three my_lib files each register my_lib.StreamRequest
// (it keeps the first); the tutorial ran each lesson as its own program, so it never saw this.
const DUPLICATE_REGISTRATION = /proto: duplicate proto type registered: /;

/** The built programs. */
export interface GoTutorial {
  readonly server: string;
  readonly client: string;
}

/** Builds the Go tutorial server and client into `outDir` with at most `buildJobs` compile jobs; rejects with the script's error output. */
export async function buildGoTutorial(outDir: string, buildJobs = 1): Promise<GoTutorial> {
  try {
    await promisify(execFile)("bash", [TUTORIAL_BUILD_SCRIPT, outDir], {
      timeout: BUILD_TIMEOUT_MS,
      env: { ...process.env, GOMAXPROCS: String(buildJobs) },
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    throw new Error(`build-tutorial.sh failed: ${stderr || (error as Error).message}`, { cause: error });
  }
  return { server: path.join(outDir, "server"), client: path.join(outDir, "client") };
}

/** Starts the Go tutorial server on 127.0.0.1 with `flags`; resolves with its port. Stop it with interop-processes' stopAll(). */
export function startGoTutorialServer(tutorial: GoTutorial, flags: readonly string[] = []): Promise<number> {
  return startServer({ command: tutorial.server, args: [] }, ["--host=127.0.0.1", "--port=0", ...flags]);
}

/** What one run of the Go client printed: fmt.Println lines (stdout) and log lines (stderr, start-up warnings left out). */
export interface ClientRun {
  readonly code: number;
  readonly stdout: string[];
  readonly log: string[];
}

/** Runs the Go client's `lesson` against `address`; resolves however it exits. */
export async function runGoTutorialClient(tutorial: GoTutorial, lesson: string, address: string, flags: readonly string[] = []): Promise<ClientRun> {
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(tutorial.client, [`--lesson=${lesson}`, `--address=${address}`, ...flags], { timeout: CLIENT_TIMEOUT_MS }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
  const lines = (text: string): string[] => text.split("\n").filter((line) => line !== "");
  return { code: result.code, stdout: lines(result.stdout), log: lines(result.stderr).filter((line) => !DUPLICATE_REGISTRATION.test(line)) };
}
