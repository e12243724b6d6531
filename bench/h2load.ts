import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FRAMES, PATHS } from "./bench-messages.js";
import type { LoadResult, RunTiming } from "./load-driver.js";
import type { LoadScenario } from "./scenarios.js";

// h2load (Debian: nghttp2-client) as a fixed, non-Node client: one connection, one thread,
// `inFlight` concurrent streams, POSTing the framed small request with gRPC's headers.

/** True when an `h2load` binary is on PATH. */
export function hasH2load(): boolean {
  return spawnSync("h2load", ["--version"], { stdio: "ignore" }).status === 0;
}

let requestFile: string | undefined;

/** Runs h2load against 127.0.0.1:`port` for one unary scenario; rejects if any request failed. */
export async function runH2load(port: number, scenario: LoadScenario, timing: RunTiming): Promise<LoadResult> {
  if (requestFile === undefined) {
    requestFile = path.join(mkdtempSync(path.join(tmpdir(), "h2grpc-bench-")), "request.bin");
    writeFileSync(requestFile, FRAMES.smallRequest);
  }
  const args = [
    "-c1",
    "-t1",
    `-m${scenario.inFlight}`,
    `-D${timing.durationMs}ms`,
    `--warm-up-time=${Math.max(1, timing.warmupMs)}ms`,
    `-d${requestFile}`,
    "-Hcontent-type: application/grpc",
    "-Hte: trailers",
    `http://127.0.0.1:${port}${PATHS.unary}`,
  ];
  const output = await new Promise<string>((resolve, reject) =>
    execFile("h2load", args, (error, stdout, stderr) => (error ? reject(new Error(`h2load: ${stderr || error.message}`)) : resolve(stdout))),
  );
  return { ...parseH2loadOutput(output), elapsedMs: timing.durationMs };
}

/**
 * Reads req/s and the request count from h2load's report ("finished in" includes the warm-up;
 * req/s covers the measured duration only); throws if requests failed or errored.
 */
export function parseH2loadOutput(output: string): LoadResult {
  const finished = /finished in ([\d.]+)(m?s), ([\d.]+) req\/s/.exec(output);
  const requests = /requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(output);
  const statuses = /status codes: (\d+) 2xx/.exec(output);
  if (finished === null || requests === null) throw new Error(`unexpected h2load output:\n${output}`);
  const [failed, errored] = [Number(requests[4]), Number(requests[5])];
  if (failed > 0 || errored > 0) throw new Error(`h2load: ${failed} requests failed, ${errored} errored:\n${output}`);
  if (statuses === null || Number(statuses[1]) === 0) throw new Error(`h2load: no 2xx responses:\n${output}`);
  // h2load counts any :status 200 as success, and a gRPC error is a 200 (Trailers-Only, no DATA):
  // require at least one frame header of response data per completed request.
  const dataBytes = /traffic: .*, [\d.]+\w*B \((\d+)\) data/.exec(output);
  if (dataBytes === null || Number(dataBytes[1]) < Number(requests[2]) * 5) {
    throw new Error(`h2load: responses carried no messages (gRPC errors?):\n${output}`);
  }
  const elapsedMs = Number(finished[1]) * (finished[2] === "ms" ? 1 : 1000);
  return { operations: Number(requests[3]), elapsedMs, rate: Number(finished[3]) };
}
