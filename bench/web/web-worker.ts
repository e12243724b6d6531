import type { BenchClient } from "../clients/bench-client.js";
import { runLoad, type RunTiming } from "../load-driver.js";
import type { LoadScenario } from "../scenarios.js";
import { startH2grpcServer } from "../servers/h2grpc-server.js";
import { cpuTimeUs, type WorkerReply } from "../worker-protocol.js";
import { startConnectNodeServer } from "./connect-node-server.js";
import { createHttp1WebClient, createHttp2WebClient } from "./web-client.js";
import { webRequest } from "./web-requests.js";
import { WEB_SCENARIOS, type WebScenarioName, type WebServerName } from "./web-scenarios.js";

// A browser-protocol bench process, forked by web-bench.ts with IPC:
//   node dist/bench/web/web-worker.js server <h2grpc|connect-node>   answers cpu and exit
//   node dist/bench/web/web-worker.js client                          answers run and exit

/** Commands to a web worker. */
export type WebCommand = { type: "cpu" } | { type: "run"; scenario: WebScenarioName; port: number; timing: RunTiming } | { type: "exit" };

const send = (reply: WorkerReply): void => void process.send?.(reply);
const [role, serverName] = process.argv.slice(2);

async function startServer(name: WebServerName): Promise<{ port: number; http2Port: number; close(): Promise<void> }> {
  if (name === "connect-node") return startConnectNodeServer();
  const server = await startH2grpcServer(); // gRPC, gRPC-Web and Connect on one port, HTTP/1.1 and h2c
  return { ...server, http2Port: server.port };
}

async function run(scenarioName: WebScenarioName, port: number, timing: RunTiming): Promise<WorkerReply> {
  const scenario = WEB_SCENARIOS.find((candidate) => candidate.name === scenarioName);
  if (scenario === undefined) throw new Error(`unknown scenario ${scenarioName}`);
  const request = webRequest(scenario.protocol);
  const client: BenchClient = scenario.httpVersion === "2" ? await createHttp2WebClient(port, request) : createHttp1WebClient(port, request, scenario.inFlight);
  // The driver's view of the scenario: a small unary call, `inFlight` at a time.
  const load = { name: "unary-16", kind: "unary", inFlight: scenario.inFlight, isLarge: false, unit: "req/s", hasH2load: false, description: scenario.description } satisfies LoadScenario;
  try {
    const cpuStartUs = cpuTimeUs();
    const result = await runLoad([client], load, timing);
    return { type: "result", result: { ...result, clientCpuUs: (cpuTimeUs() - cpuStartUs) / (result.totalOperations ?? Number.NaN) } };
  } finally {
    await client.close();
  }
}

if (role === "server") {
  try {
    const server = await startServer(serverName as WebServerName);
    process.on("message", (command: WebCommand) => {
      if (command.type === "cpu") send({ type: "cpu", cpuUs: cpuTimeUs() });
      else if (command.type === "exit") void server.close().finally(() => process.exit(0));
    });
    send({ type: "ready", port: server.port, http2Port: server.http2Port });
  } catch (error) {
    send({ type: "error", message: (error as Error).message });
    process.exit(1);
  }
} else {
  process.on("message", (command: WebCommand) => {
    if (command.type === "exit") process.exit(0);
    if (command.type !== "run") return;
    run(command.scenario, command.port, command.timing).then(send, (error: unknown) => send({ type: "error", message: (error as Error).message }));
  });
  send({ type: "ready", port: 0 });
}
process.on("disconnect", () => process.exit(0));
