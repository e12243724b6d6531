import type { ImplName } from "./clients/bench-client.js";
import { FRAMES, PATHS } from "./bench-messages.js";
import { hasH2load, runH2load } from "./h2load.js";
import type { LoadResult, RunTiming } from "./load-driver.js";
import type { BenchOptions } from "./options.js";
import { LOAD_SCENARIOS, type LoadScenario, type LoadScenarioName } from "./scenarios.js";
import { serverCpuUs, startClientWorker, startServerWorker, type ServerWorker, type Worker } from "./workers.js";
import type { ClientCommand } from "./worker-protocol.js";

/** Who drives a measurement: a client implementation, or h2load. */
export type Driver = ImplName | "h2load";

/** One measurement: a driver against a server implementation. */
export interface Pairing {
  readonly client: Driver;
  readonly server: ImplName;
}

/** The runs of one pairing in one scenario. */
export interface PairingRuns extends Pairing {
  readonly scenario: LoadScenarioName;
  readonly runs: LoadResult[];
}

/** "raw>h2grpc": client > server. */
export function pairingKey(pairing: Pairing): string {
  return `${pairing.client}>${pairing.server}`;
}

/**
 * The pairings a scenario needs: each server against the raw client (server side), each client
 * against the raw server (client side), each client against its own server (end to end), and
 * each server against h2load. raw>raw, the ceiling, is measured once and shared.
 */
export function pairingsFor(scenario: LoadScenario, options: BenchOptions, isH2loadInstalled: boolean): Pairing[] {
  const pairings = new Map<string, Pairing>();
  const add = (pairing: Pairing): void => void pairings.set(pairingKey(pairing), pairing);
  for (const impl of options.impls) {
    if (options.sides.includes("server")) add({ client: "raw", server: impl });
    if (options.sides.includes("client")) add({ client: impl, server: "raw" });
    if (options.sides.includes("e2e")) add({ client: impl, server: impl });
    if (options.sides.includes("h2load") && scenario.hasH2load && isH2loadInstalled) add({ client: "h2load", server: impl });
  }
  return [...pairings.values()];
}

/**
 * Runs every selected throughput scenario `options.runs` times, interleaved (run 1 of every
 * pairing of every scenario, then run 2, ...) so drift on a shared machine hits all alike.
 * One long-lived process per server and per client implementation; each run uses a new connection.
 */
export async function runLoadScenarios(options: BenchOptions, log: (line: string) => void): Promise<PairingRuns[]> {
  const scenarios = LOAD_SCENARIOS.filter((scenario) => options.scenarios.includes(scenario.name));
  if (scenarios.length === 0) return [];
  const isH2loadInstalled = hasH2load();
  if (options.sides.includes("h2load") && !isH2loadInstalled) log("h2load not found (apt-get install nghttp2-client): skipping its rows");

  const servers = new Map<ImplName, ServerWorker>();
  const clients = new Map<ImplName, Worker<ClientCommand>>();
  const results = new Map<string, PairingRuns>();
  const timing: RunTiming = { warmupMs: options.warmupMs, durationMs: options.durationMs };
  try {
    for (const impl of options.impls) {
      servers.set(impl, await startServerWorker(impl, options.profileDir));
      clients.set(impl, await startClientWorker(impl, options.profileDir));
    }
    for (let run = 1; run <= options.runs; run++) {
      for (const scenario of scenarios) {
        for (const pairing of pairingsFor(scenario, options, isH2loadInstalled)) {
          const server = servers.get(pairing.server) as ServerWorker;
          log(`run ${run}/${options.runs} ${scenario.name}: ${pairing.client} client → ${pairing.server} server`);
          const result = await measure(pairing.client, server, scenario, timing, clients);
          const key = `${scenario.name} ${pairingKey(pairing)}`;
          const entry = results.get(key) ?? { ...pairing, scenario: scenario.name, runs: [] };
          entry.runs.push(result);
          results.set(key, entry);
        }
      }
    }
  } finally {
    await Promise.all([...clients.values()].map((worker) => worker.stop()));
    await Promise.all([...servers.values()].map((server) => server.worker.stop()));
  }
  return [...results.values()];
}

/**
 * One run. Besides the rate it records CPU time per operation of both processes over the whole
 * run: on a shared machine, where other load steals cores, CPU per operation stays comparable.
 */
async function measure(
  driver: Driver,
  server: ServerWorker,
  scenario: LoadScenario,
  timing: RunTiming,
  clients: ReadonlyMap<ImplName, Worker<ClientCommand>>,
): Promise<LoadResult> {
  const cpuStartUs = await serverCpuUs(server);
  if (driver === "h2load") {
    const load = { path: PATHS.unary, body: FRAMES.smallRequest, connections: 1, inFlight: scenario.inFlight };
    const result = await runH2load(server.port, load, timing);
    // h2load counts only the measured window; assume the warm-up ran at the same rate.
    const estimatedOperations = (result.rate * (timing.warmupMs + timing.durationMs)) / 1000;
    return { ...result, serverCpuUs: ((await serverCpuUs(server)) - cpuStartUs) / estimatedOperations };
  }
  const client = clients.get(driver) as Worker<ClientCommand>;
  const reply = await client.request({ type: "run", scenario: scenario.name, port: server.port, timing });
  if (reply.type !== "result") throw new Error(`unexpected reply ${reply.type}`);
  const serverCpuPerOperationUs = ((await serverCpuUs(server)) - cpuStartUs) / (reply.result.totalOperations ?? Number.NaN);
  return { ...reply.result, serverCpuUs: serverCpuPerOperationUs };
}
