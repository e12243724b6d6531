// The grpc-go peer of the interop matrix: builds its server and client with build.sh (grpc-go
// 1.33 from Debian's sources, offline) and says which cases a grpc-go 1.33 server cannot serve.
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Program } from "../interop-processes.js";
import { PROTOS_DIR } from "../interop-messages.js";
import type { TestCase } from "../interop-spec.js";

const ROOT_DIR = path.dirname(PROTOS_DIR);
/** The build script; it names the Debian packages to install when something is missing. */
export const BUILD_SCRIPT = path.join(ROOT_DIR, "test", "interop", "go", "build.sh");
const OUT_DIR = path.join(ROOT_DIR, "dist", "interop-go");
/** A cold build compiles grpc-go (~15 s on one core); a warm one links two binaries (~3 s). */
const BUILD_TIMEOUT_MS = 120_000;

/** The Debian packages the grpc-go peer needs, for skip messages. */
export const GO_PEER_PACKAGES = "golang-go golang-google-grpc-dev golang-github-golang-protobuf-1-3-dev protobuf-compiler";

/** True when Go or Debian's grpc-go sources are not installed (GOCODE overrides /usr/share/gocode). */
export function isGoToolchainMissing(): boolean {
  const gocode = process.env["GOCODE"] ?? "/usr/share/gocode";
  return spawnSync("go", ["version"]).status !== 0 || !existsSync(path.join(gocode, "src/google.golang.org/grpc"));
}

/** The grpc-go interop programs, ready for startServer/runClient. */
export interface GoPeer {
  readonly server: Program;
  readonly client: Program;
}

// A stand-in for a program that could not be built: it prints why and exits 1, so every case
// of the peer's columns fails with that reason instead of passing or vanishing from the table.
function reportingFailure(reason: string): Program {
  return { command: "/bin/sh", args: ["-c", 'echo "$0" >&2; exit 1', `grpc-go peer not built: ${reason}`] };
}

/** How to build: `buildJobs` limits the Go compiler's parallelism (GOMAXPROCS), for builds that share the machine with tests. */
export interface BuildOptions {
  readonly outDir?: string;
  readonly buildJobs?: number;
}

/**
 * Builds the grpc-go server and client into `outDir` (default dist/interop-go); never rejects:
 * a failed build yields programs that fail with its reason.
 */
export async function buildGoPeer({ outDir = OUT_DIR, buildJobs }: BuildOptions = {}): Promise<GoPeer> {
  const env = buildJobs === undefined ? process.env : { ...process.env, GOMAXPROCS: String(buildJobs) };
  try {
    await promisify(execFile)("bash", [BUILD_SCRIPT, outDir], { timeout: BUILD_TIMEOUT_MS, env });
    return {
      server: { command: path.join(outDir, "server"), args: [] },
      client: { command: path.join(outDir, "client"), args: [] },
    };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    const reason = stderr.split("\n").slice(-3).join(" | ") || (error as Error).message;
    return { server: reportingFailure(reason), client: reportingFailure(reason) };
  }
}

// grpc-go 1.33 compresses a response exactly when the request was compressed, with the request's
// encoding (server.go processUnaryRPC/processStreamingRPC); a handler cannot ask for it per call
// or per message (grpc.SetSendCompressor came in 1.54), so response_compressed cannot be honoured.
const SERVER_COMPRESSION = "grpc-go 1.33 servers compress responses only when the request was compressed; handlers cannot choose per call or per message";

/** What a grpc-go 1.33 server cannot do, whoever the client is. */
export const GO_SERVER_CANNOT: Partial<Record<TestCase, string>> = {
  server_compressed_unary: SERVER_COMPRESSION,
  server_compressed_streaming: SERVER_COMPRESSION,
};
