import { createBenchClient, type BenchClient, type ImplName } from "./clients/bench-client.js";
import { createRawClient } from "./clients/raw-client.js";
import { UNARY_REQUESTS } from "./bench-messages.js";
import { runLoad } from "./load-driver.js";
import { loadScenario } from "./scenarios.js";
import { cpuTimeUs, peakRssBytes, settledRssBytes, type ClientCommand, type LoadShape, type WorkerReply } from "./worker-protocol.js";

// A client process: `node dist/bench/client-worker.js <impl>`, forked by main.ts with IPC.
// Every measurement opens a fresh connection and closes it afterwards.

/** Streams per connection in the open-streams scenario (below node's per-session defaults). */
const STREAMS_PER_CONNECTION = 1000;
const WARM_CALLS = 100;

const impl = process.argv[2] as ImplName;
const held: BenchClient[] = [];
let prepared: BenchClient[] = [];
const send = (reply: WorkerReply): void => void process.send?.(reply);

async function handle(command: ClientCommand): Promise<WorkerReply> {
  switch (command.type) {
    case "prepare":
      prepared = await connectClients(command.port, command.shape ?? {});
      return { type: "ok" };
    case "run": {
      const shape = command.shape ?? {};
      const clients = prepared.length > 0 ? prepared : await connectClients(command.port, shape);
      prepared = [];
      try {
        const base = loadScenario(command.scenario);
        const scenario = { ...base, inFlight: shape.inFlight ?? base.inFlight, messageBytes: shape.messageBytes ?? base.messageBytes };
        const cpuStartUs = cpuTimeUs();
        const result = await runLoad(clients, scenario, command.timing);
        const clientCpuUs = (cpuTimeUs() - cpuStartUs) / (result.totalOperations ?? Number.NaN);
        return { type: "result", result: { ...result, clientCpuUs, clientPeakRssBytes: peakRssBytes() } };
      } finally {
        await Promise.all(clients.map((client) => client.close()));
      }
    }
    case "warm": {
      const client = await createBenchClient(impl, command.port);
      held.push(client);
      for (let i = 0; i < WARM_CALLS; i++) await client.unary(UNARY_REQUESTS.small);
      return { type: "ok" };
    }
    case "hold-connections": {
      const rssBeforeBytes = settledRssBytes();
      for (let i = 0; i < command.count; i++) {
        const client = await createBenchClient(impl, command.port);
        held.push(client);
        await client.unary(UNARY_REQUESTS.small);
      }
      return { type: "held", rssBeforeBytes, rssAfterBytes: settledRssBytes() };
    }
    case "hold-streams": {
      const rssBeforeBytes = settledRssBytes();
      for (let opened = 0; opened < command.count; opened += STREAMS_PER_CONNECTION) {
        const client = await createRawClient(command.port);
        held.push(client);
        const pings: Promise<void>[] = [];
        for (let i = 0; i < Math.min(STREAMS_PER_CONNECTION, command.count - opened); i++) {
          pings.push(client.openStream().ping());
        }
        await Promise.all(pings);
      }
      return { type: "held", rssBeforeBytes, rssAfterBytes: settledRssBytes() };
    }
    case "release":
      await Promise.all(held.splice(0).map((client) => client.close()));
      return { type: "ok" };
    case "exit":
      process.exit(0);
  }
}

async function connectClients(port: number, shape: LoadShape): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  for (let i = 0; i < (shape.connections ?? 1); i++) {
    clients.push(await createBenchClient(impl, port, { connectionsPerAddress: shape.connectionsPerAddress }));
  }
  return clients;
}

process.on("message", (command: ClientCommand) => {
  handle(command).then(send, (error: unknown) =>
    send({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready", port: 0 });
