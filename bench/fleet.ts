import { createChannel } from "../src/client/channel/channel.js";
import { closeClient, createClient } from "../src/client/client.js";
import type { ChannelOptions } from "../src/client/client-options.js";
import { Bench, REQUESTS } from "./bench-messages.js";
import type { BenchClient } from "./clients/bench-client.js";
import { runLoad, type RunTiming } from "./load-driver.js";
import { loadScenario } from "./scenarios.js";
import { median } from "./stats.js";
import { serverCpuUs, startServerWorker, type ServerWorker } from "./workers.js";
import { cpuTimeUs } from "./worker-protocol.js";

// `npm run bench:fleet -- [--quick] [--runs N] [--json]`: what a fleet costs the client (issue 14).
// h2grpc server processes (bench/server-worker.ts) and, in this process, an h2grpc client on one
// channel. Two questions: does round_robin over two server processes deliver more than one (the
// client must not be the bottleneck), and what does a configured retry policy cost a call that
// succeeds at once (CPU per call, against the same call without a policy)?

/** One fleet measurement. */
interface FleetScenario {
  readonly name: string;
  readonly description: string;
  readonly servers: 1 | 2;
  readonly inFlight: 1 | 128;
  readonly channelOptions: ChannelOptions;
}

const RETRY_POLICY = {
  methodConfig: [
    {
      name: [{ service: "h2grpc.bench.Bench" }],
      retryPolicy: { maxAttempts: 3, initialBackoff: "0.1s", maxBackoff: "1s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE"] },
    },
  ],
};

const SCENARIOS: readonly FleetScenario[] = [
  { name: "rr-1-server", description: "round_robin over 1 server process, 128 unary calls in flight", servers: 1, inFlight: 128, channelOptions: { loadBalancingPolicy: "round_robin" } },
  { name: "rr-2-servers", description: "round_robin over 2 server processes, 128 unary calls in flight", servers: 2, inFlight: 128, channelOptions: { loadBalancingPolicy: "round_robin" } },
  { name: "unary-1", description: "unary, 1 in flight, no retry policy", servers: 1, inFlight: 1, channelOptions: {} },
  { name: "unary-1-retry", description: "unary, 1 in flight, a retry policy that never fires", servers: 1, inFlight: 1, channelOptions: { serviceConfig: RETRY_POLICY } },
  { name: "unary-128", description: "unary, 128 in flight, no retry policy", servers: 1, inFlight: 128, channelOptions: {} },
  { name: "unary-128-retry", description: "unary, 128 in flight, a retry policy that never fires", servers: 1, inFlight: 128, channelOptions: { serviceConfig: RETRY_POLICY } },
];

/** One run's figures. */
interface FleetRun {
  readonly callsPerSecond: number;
  readonly clientCpuUsPerCall: number;
  readonly serverCpuUsPerCall: number;
}

function parseArgs(args: readonly string[]): { runs: number; timing: RunTiming; isJson: boolean } {
  let runs = 3;
  let timing: RunTiming = { warmupMs: 1000, durationMs: 3000 };
  let isJson = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--quick") [runs, timing] = [1, { warmupMs: 200, durationMs: 500 }];
    else if (arg === "--json") isJson = true;
    else if (arg === "--runs" && Number.isInteger(Number(args[i + 1])) && Number(args[i + 1]) > 0) runs = Number(args[++i]);
    else throw new Error(`usage: npm run bench:fleet -- [--quick] [--runs N] [--json] (unknown ${String(arg)})`);
  }
  return { runs, timing, isJson };
}

/** An h2grpc bench client on a channel of its own to `target`, connected to every server first. */
async function fleetClient(target: string, options: ChannelOptions, servers: number): Promise<BenchClient> {
  const channel = createChannel(target, options);
  const client = createClient(Bench, { channel });
  // With round_robin, calls go to every READY subchannel: wait until all are.
  for (let i = 0; i < 100 && channel.subchannels.filter((s) => s.state === "READY").length < servers; i++) await client.unary(REQUESTS.small);
  return {
    unary: async (request) => void (await client.unary(request.object)),
    serverStream: () => Promise.reject(new Error("unary only")),
    clientStream: () => Promise.reject(new Error("unary only")),
    openBidi: () => {
      throw new Error("unary only");
    },
    close: async () => {
      closeClient(client);
      channel.close();
    },
  };
}

async function measure(scenario: FleetScenario, servers: readonly ServerWorker[], timing: RunTiming): Promise<FleetRun> {
  const used = servers.slice(0, scenario.servers);
  const target = `ipv4:${used.map((server) => `127.0.0.1:${server.port}`).join(",")}`;
  const client = await fleetClient(target, scenario.channelOptions, used.length);
  try {
    const serverStart = await Promise.all(used.map(serverCpuUs));
    const clientStart = cpuTimeUs();
    const result = await runLoad([client], { ...loadScenario("unary-128"), inFlight: scenario.inFlight }, timing);
    const clientUs = cpuTimeUs() - clientStart;
    const serverEnd = await Promise.all(used.map(serverCpuUs));
    const serverUs = serverEnd.reduce((sum, end, i) => sum + end - (serverStart[i] as number), 0);
    const calls = result.totalOperations ?? result.operations;
    return { callsPerSecond: result.rate, clientCpuUsPerCall: clientUs / calls, serverCpuUsPerCall: serverUs / calls };
  } finally {
    await client.close();
  }
}

const { runs, timing, isJson } = parseArgs(process.argv.slice(2));
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const servers = [await startServerWorker("h2grpc", undefined), await startServerWorker("h2grpc", undefined)];
const results = new Map<string, FleetRun[]>(SCENARIOS.map((scenario) => [scenario.name, []]));
try {
  // Interleaved runs, as bench/main.ts does: drift on a shared machine hits every scenario alike.
  for (let run = 1; run <= runs; run++) {
    for (const scenario of SCENARIOS) {
      log(`run ${run}/${runs} ${scenario.name}`);
      results.get(scenario.name)?.push(await measure(scenario, servers, timing));
    }
  }
} finally {
  await Promise.all(servers.map((server) => server.worker.stop()));
}
const rows = SCENARIOS.map((scenario) => {
  const runsOf = results.get(scenario.name) ?? [];
  return {
    scenario: scenario.name,
    description: scenario.description,
    callsPerSecond: Math.round(median(runsOf.map((r) => r.callsPerSecond))),
    clientCpuUsPerCall: Number(median(runsOf.map((r) => r.clientCpuUsPerCall)).toFixed(2)),
    serverCpuUsPerCall: Number(median(runsOf.map((r) => r.serverCpuUsPerCall)).toFixed(2)),
  };
});
if (isJson) process.stdout.write(`${JSON.stringify({ runs, timing, rows }, null, 2)}\n`);
else {
  const lines = ["| scenario | calls/s | client CPU µs/call | server CPU µs/call | what |", "|---|---:|---:|---:|---|"];
  for (const row of rows) lines.push(`| ${row.scenario} | ${row.callsPerSecond} | ${row.clientCpuUsPerCall} | ${row.serverCpuUsPerCall} | ${row.description} |`);
  process.stdout.write(`${lines.join("\n")}\n(median of ${runs} run(s), ${timing.durationMs} ms each after ${timing.warmupMs} ms warm-up)\n`);
}
