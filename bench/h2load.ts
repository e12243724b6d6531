import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LoadResult, RunTiming } from "./load-driver.js";

// h2load (Debian: nghttp2-client) as a fixed, non-Node client: one thread, `connections`
// connections with `inFlight` concurrent streams each, POSTing one framed request with gRPC's
// headers.

/** True when an `h2load` binary is on PATH. */
export function hasH2load(): boolean {
  return spawnSync("h2load", ["--version"], { stdio: "ignore" }).status === 0;
}

/** What h2load sends: `body` (a framed request) to `path`, over `connections` with `inFlight` streams each. */
export interface H2loadLoad {
  readonly path: string;
  readonly body: Uint8Array;
  readonly connections: number;
  readonly inFlight: number;
}

let requestDir: string | undefined;
const requestFiles = new Map<string, string>();

function requestFileOf(body: Uint8Array): string {
  const key = Buffer.from(body).toString("hex");
  let file = requestFiles.get(key);
  if (file === undefined) {
    requestDir ??= mkdtempSync(path.join(tmpdir(), "h2grpc-bench-"));
    file = path.join(requestDir, `request-${requestFiles.size}.bin`);
    writeFileSync(file, body);
    requestFiles.set(key, file);
  }
  return file;
}

/** Runs h2load against 127.0.0.1:`port`; rejects if any request failed. */
export async function runH2load(port: number, load: H2loadLoad, timing: RunTiming): Promise<LoadResult> {
  const args = [
    `-c${load.connections}`,
    "-t1",
    `-m${load.inFlight}`,
    `-D${timing.durationMs}ms`,
    `--warm-up-time=${Math.max(1, timing.warmupMs)}ms`,
    `-d${requestFileOf(load.body)}`,
    "-Hcontent-type: application/grpc",
    "-Hte: trailers",
    `http://127.0.0.1:${port}${load.path}`,
  ];
  const output = await new Promise<string>((resolve, reject) =>
    execFile("h2load", args, (error, stdout, stderr) => (error ? reject(new Error(`h2load: ${stderr || error.message}`)) : resolve(stdout))),
  );
  return { ...parseH2loadOutput(output), elapsedMs: timing.durationMs };
}

/**
 * Reads req/s and the request count from h2load's report ("finished in" includes the warm-up;
 * req/s covers the measured duration only); throws if requests failed or errored, or if
 * responses were not gRPC messages; a window in which no request was done measures 0.
 */
export function parseH2loadOutput(output: string): LoadResult {
  const finished = /finished in ([\d.]+)(m?s), ([\d.]+) req\/s/.exec(output);
  const requests = /requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(output);
  const statuses = /status codes: (\d+) 2xx/.exec(output);
  if (finished === null || requests === null) throw new Error(`unexpected h2load output:\n${output}`);
  const [failed, errored] = [Number(requests[4]), Number(requests[5])];
  if (failed > 0 || errored > 0) throw new Error(`h2load: ${failed} requests failed, ${errored} errored:\n${output}`);
  const elapsedMs = Number(finished[1]) * (finished[2] === "ms" ? 1 : 1000);
  // A window too short for a busy machine may see no request through, which is not a failure.
  if (Number(requests[2]) === 0) return { operations: 0, elapsedMs, rate: 0 };
  if (statuses === null || Number(statuses[1]) === 0) throw new Error(`h2load: no 2xx responses:\n${output}`);
  // h2load counts any :status 200 as success, and a gRPC error is a 200 (Trailers-Only, no DATA):
  // require at least one frame header of response data per completed request (an empty
  // message is a frame header alone).
  const dataBytes = /traffic: .*, [\d.]+\w*B \((\d+)\) data/.exec(output);
  if (dataBytes === null || Number(dataBytes[1]) < Number(requests[2]) * 5) {
    throw new Error(`h2load: responses carried no messages (gRPC errors?):\n${output}`);
  }
  return { operations: Number(requests[3]), elapsedMs, rate: Number(finished[3]) };
}
