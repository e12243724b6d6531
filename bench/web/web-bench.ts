import type { LoadResult } from "../load-driver.js";
import type { BenchOptions } from "../options.js";
import { summarize } from "../stats.js";
import { Worker, workerExecArgv } from "../workers.js";
import type { WebCommand } from "./web-worker.js";
import { WEB_SCENARIOS, WEB_SERVERS, type WebScenario, type WebScenarioName, type WebServerName } from "./web-scenarios.js";

// The browser-protocol rows of `npm run bench`: each server (its own process) driven by the raw
// web client (another process) in every selected web scenario, runs interleaved as in
// load-plan.ts; medians, spreads and server CPU per call, and h2grpc's rate over connect-node's.

/** One row: a scenario against one server. */
export interface WebRow {
  readonly scenario: WebScenarioName;
  readonly server: WebServerName;
  readonly rate: number;
  readonly spread: number;
  /** Server CPU time per call (µs), median over runs. */
  readonly serverCpuUs: number;
  /** h2grpc's rate ÷ connect-node's (h2grpc rows only). */
  readonly vsConnectNode?: number;
}

interface RunningServer {
  readonly worker: Worker<WebCommand>;
  readonly port: number;
  readonly http2Port: number;
}

/** Runs the selected web scenarios; servers that cannot start are skipped with a line on `log`. */
export async function runWebScenarios(options: BenchOptions, log: (line: string) => void): Promise<WebRow[]> {
  const scenarios = WEB_SCENARIOS.filter((scenario) => options.scenarios.includes(scenario.name));
  if (scenarios.length === 0) return [];
  const servers = new Map<WebServerName, RunningServer>();
  const { worker: client } = await Worker.start<WebCommand>("web/web-worker.js", ["client"], "web client", workerExecArgv(options.profileDir, "web client"));
  const runs = new Map<string, LoadResult[]>();
  try {
    for (const name of WEB_SERVERS) {
      const { worker, ready } = await Worker.start<WebCommand>("web/web-worker.js", ["server", name], `${name} web server`, workerExecArgv(options.profileDir, `${name} web server`));
      if (ready.type !== "ready") {
        log(`skipping ${name} in the browser-protocol scenarios: ${ready.type === "error" ? ready.message : ready.type}`);
        await worker.stop();
        continue;
      }
      servers.set(name, { worker, port: ready.port, http2Port: ready.http2Port ?? ready.port });
    }
    const timing = { warmupMs: options.warmupMs, durationMs: options.durationMs };
    for (let run = 1; run <= options.runs; run++) {
      for (const scenario of scenarios) {
        for (const [name, server] of servers) {
          log(`run ${run}/${options.runs} ${scenario.name}: web client → ${name} server`);
          const key = `${scenario.name} ${name}`;
          runs.set(key, [...(runs.get(key) ?? []), await measure(client, server, scenario, timing)]);
        }
      }
    }
  } finally {
    await client.stop();
    await Promise.all([...servers.values()].map((server) => server.worker.stop()));
  }
  return rowsOf(scenarios, [...servers.keys()], runs);
}

async function measure(client: Worker<WebCommand>, server: RunningServer, scenario: WebScenario, timing: { warmupMs: number; durationMs: number }): Promise<LoadResult> {
  const cpuStart = await cpuUs(server);
  const port = scenario.httpVersion === "2" ? server.http2Port : server.port;
  const reply = await client.request({ type: "run", scenario: scenario.name, port, timing });
  if (reply.type !== "result") throw new Error(`unexpected reply ${reply.type}`);
  return { ...reply.result, serverCpuUs: ((await cpuUs(server)) - cpuStart) / (reply.result.totalOperations ?? Number.NaN) };
}

async function cpuUs(server: RunningServer): Promise<number> {
  const reply = await server.worker.request({ type: "cpu" });
  if (reply.type !== "cpu") throw new Error(`unexpected reply ${reply.type}`);
  return reply.cpuUs;
}

function rowsOf(scenarios: readonly WebScenario[], servers: readonly WebServerName[], runs: ReadonlyMap<string, LoadResult[]>): WebRow[] {
  const rows: WebRow[] = [];
  for (const scenario of scenarios) {
    const rates = new Map<WebServerName, number>();
    for (const server of servers) {
      const results = runs.get(`${scenario.name} ${server}`) ?? [];
      const rate = summarize(results.map((result) => result.rate));
      rates.set(server, rate.median);
      const row: WebRow = { scenario: scenario.name, server, rate: rate.median, spread: rate.spread, serverCpuUs: summarize(results.map((result) => result.serverCpuUs ?? Number.NaN)).median };
      const baseline = rates.get("connect-node");
      rows.push(server === "h2grpc" && baseline !== undefined ? { ...row, vsConnectNode: rate.median / baseline } : row);
    }
  }
  return rows;
}

/** The rows as a table, one line per scenario and server. */
export function formatWebRows(rows: readonly WebRow[]): string {
  if (rows.length === 0) return "";
  const lines = ["Browser protocols (unary, small messages; raw web client in its own process):", "  scenario                 server         req/s   spread  server µs/call  vs connect-node"];
  for (const row of rows) {
    const ratio = row.vsConnectNode === undefined ? "" : `${row.vsConnectNode.toFixed(2)} ×`;
    lines.push(`  ${row.scenario.padEnd(24)} ${row.server.padEnd(12)} ${row.rate.toFixed(0).padStart(8)}  ${`${(row.spread * 100).toFixed(0)}%`.padStart(6)}  ${row.serverCpuUs.toFixed(1).padStart(14)}  ${ratio}`);
  }
  const descriptions = WEB_SCENARIOS.filter((scenario) => rows.some((row) => row.scenario === scenario.name)).map((scenario) => `  ${scenario.name}: ${scenario.description}`);
  return [...lines, "", ...descriptions].join("\n");
}
