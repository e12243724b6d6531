import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { findPackageRoot } from "./bench-messages.js";
import { hasH2load, runH2load } from "./h2load.js";
import type { LoadResult, RunTiming } from "./load-driver.js";
import type { BenchOptions } from "./options.js";
import { canReadProcessCpu, processesCpuUs } from "./proc-cpu.js";
import { startServerProgram, type ServerProgram } from "./server-program.js";
import { reusePortUnsupportedReason } from "../src/transport/reuse-port.js";
import { measureWindowCpu } from "./window-cpu.js";
import { startClientWorker } from "./workers.js";

/** One row of the multi-core comparison: who drives which server, run by run. */
export interface MulticoreRuns {
  /** "h2load → h2grpc, 2 workers", "h2grpc client (1 connection) → h2grpc, 2 workers". */
  readonly label: string;
  readonly client: "h2load" | "h2grpc";
  readonly server: "h2grpc" | "grpc-go";
  /** Server processes answering calls (1 for one process and for grpc-go). */
  readonly workers: number;
  readonly isReusePort?: boolean;
  /** The client's ChannelOptions.connectionsPerAddress (the h2grpc client rows). */
  readonly connectionsPerAddress?: number;
  readonly runs: { readonly rate: number; readonly serverCpuUs: number; readonly serverCores: number }[];
}

/** h2load's load in the multi-core rows: 4 connections with 32 calls in flight each. */
export const MULTICORE_H2LOAD = { connections: 4, inFlight: 32 } as const;
/** The h2grpc client rows: calls in flight, and the pool size they compare with one connection. */
export const MULTICORE_CLIENT = { inFlight: 128, pool: 4 } as const;
const EMPTY_CALL = "/grpc.testing.TestService/EmptyCall";
const EMPTY_FRAME = new Uint8Array(5); // an empty message: flag 0, length 0
const GO_BUILD_TIMEOUT_MS = 300_000;

/**
 * The multi-core rows (scenario "multicore"): h2load with 4 connections against h2grpc in one
 * process, on `options.workers` serveCluster workers (round-robin, and reusePort where Node has
 * it) and grpc-go's interop server (tap off) when Go can build it; then one h2grpc client with one
 * connection and with a pool against the workers. Server CPU comes from /proc for every process
 * of a server (Linux only), read at the edges of the measured window. Runs are interleaved.
 */
export async function runMulticore(options: BenchOptions, log: (line: string) => void): Promise<MulticoreRuns[]> {
  if (!options.scenarios.includes("multicore")) return [];
  if (!canReadProcessCpu()) {
    log("multicore: server CPU is read from /proc, which this system does not have: skipping its rows");
    return [];
  }
  const timing: RunTiming = { warmupMs: options.warmupMs, durationMs: options.durationMs };
  const workers = options.workers;
  const servers: ServerProgram[] = [];
  const start = async (program: Promise<ServerProgram>): Promise<ServerProgram> => {
    const server = await program;
    servers.push(server);
    return server;
  };
  try {
    const rows: Row[] = [];
    const h2load = (row: Omit<MulticoreRuns, "runs" | "client" | "label">, name: string, server: ServerProgram): Row => ({
      ...row,
      label: `h2load → ${name}`,
      client: "h2load",
      measure: (timing) => runH2load(server.port, { path: EMPTY_CALL, body: EMPTY_FRAME, ...MULTICORE_H2LOAD }, timing),
      pids: server.pids,
    });
    const cluster = await start(startH2grpc([`--workers=${workers}`]));
    if (hasH2load()) {
      rows.push(h2load({ server: "h2grpc", workers: 1 }, "h2grpc, 1 process", await start(startH2grpc([]))));
      rows.push(h2load({ server: "h2grpc", workers }, `h2grpc, ${workers} workers`, cluster));
      const noReusePort = reusePortUnsupportedReason();
      if (noReusePort === undefined) {
        const reusing = await start(startH2grpc([`--workers=${workers}`, "--reuse-port"]));
        rows.push(h2load({ server: "h2grpc", workers, isReusePort: true }, `h2grpc, ${workers} workers, reusePort`, reusing));
      } else {
        log(`multicore: skipping the reusePort row: ${noReusePort}`);
      }
      const goServer = await buildGoServer(log);
      if (goServer !== undefined) {
        const go = await start(startServerProgram(goServer, ["--port=0", "--wire_tap=false"]));
        rows.push(h2load({ server: "grpc-go", workers: 1 }, "grpc-go interop server", go));
      }
    } else {
      log("multicore: h2load not found (apt-get install nghttp2-client): skipping its rows");
    }
    const client = await startClientWorker("h2grpc", options.profileDir);
    try {
      for (const pool of [1, MULTICORE_CLIENT.pool]) {
        rows.push({
          label: `h2grpc client (${pool === 1 ? "1 connection" : `connectionsPerAddress ${pool}`}) → h2grpc, ${workers} workers`,
          client: "h2grpc",
          server: "h2grpc",
          workers,
          connectionsPerAddress: pool,
          measure: (timing) => runClient(client, cluster.port, pool, timing),
          pids: cluster.pids,
        });
      }
      return await measureRows(rows, options.runs, timing, log);
    } finally {
      await client.stop();
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** A row of the table and how to run it once. */
interface Row extends Omit<MulticoreRuns, "runs"> {
  measure(timing: RunTiming): Promise<LoadResult>;
  /** Every process of the server, whose CPU is the server's. */
  readonly pids: readonly number[];
}

/** Runs every row `runs` times, interleaved, reading the server's CPU at the edges of each window. */
async function measureRows(rows: readonly Row[], runs: number, timing: RunTiming, log: (line: string) => void): Promise<MulticoreRuns[]> {
  const results = rows.map(({ measure: _measure, pids: _pids, ...row }) => ({ ...row, runs: [] as MulticoreRuns["runs"][number][] }));
  // Every server is fresh, and a cluster's workers each see only their share of a warm-up: one
  // unmeasured pass of every row first, so that run 1 does not measure V8 optimizing the handler.
  for (const row of rows) {
    log(`warm-up multicore: ${row.label}`);
    await row.measure({ warmupMs: 0, durationMs: timing.warmupMs });
  }
  for (let run = 1; run <= runs; run++) {
    for (const [index, row] of rows.entries()) {
      log(`run ${run}/${runs} multicore: ${row.label}`);
      const { result, windowCpuUs } = await measureWindowCpu(row.measure(timing), timing, () => processesCpuUs(row.pids));
      const calls = (result.rate * timing.durationMs) / 1000;
      results[index]?.runs.push({ rate: result.rate, serverCpuUs: windowCpuUs / calls, serverCores: windowCpuUs / (timing.durationMs * 1000) });
    }
  }
  return results;
}

function startH2grpc(args: readonly string[]): Promise<ServerProgram> {
  const script = path.join(findPackageRoot(), "dist", "bench", "servers", "multicore-server.js");
  return startServerProgram(process.execPath, [script, ...args]);
}

async function runClient(client: Awaited<ReturnType<typeof startClientWorker>>, port: number, pool: number, timing: RunTiming): Promise<LoadResult> {
  const shape = { inFlight: MULTICORE_CLIENT.inFlight, connectionsPerAddress: pool };
  await client.request({ type: "prepare", port, shape });
  const reply = await client.request({ type: "run", scenario: "unary-128", port, timing, shape });
  if (reply.type !== "result") throw new Error(`unexpected reply ${reply.type}`);
  return reply.result;
}

/** Builds grpc-go's interop server with test/interop/go/build.sh; undefined (and why, logged) when Go or its sources are missing. */
async function buildGoServer(log: (line: string) => void): Promise<string | undefined> {
  const root = findPackageRoot();
  const script = path.join(root, "test", "interop", "go", "build.sh");
  // Not dist/interop-go, which npm run test:interop builds into and may be running from.
  const outDir = path.join(root, "dist", "bench", "grpc-go");
  try {
    await promisify(execFile)("bash", [script, "--check"]);
  } catch (error) {
    const reason = String((error as { stdout?: unknown; stderr?: unknown }).stderr ?? "").trim() || (error as Error).message;
    log(`multicore: skipping grpc-go's row: ${reason}`);
    return undefined;
  }
  log("multicore: building grpc-go's interop server (test/interop/go/build.sh)");
  await promisify(execFile)("bash", [script, outDir], { timeout: GO_BUILD_TIMEOUT_MS });
  return path.join(outDir, "server");
}
