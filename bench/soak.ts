// `npm run soak`: a long run against one server, to show that nothing accumulates. One million
// unary calls, 10,000 streaming calls and 10,000 cancellations (aborts, deadlines and broken-off
// streams), in rounds; after each round it prints the heap after a full GC, RSS and the open
// handles. Run with --expose-gc (npm run soak does). Exits 1 when the heap grew more than
// --max-heap-growth-mib past the first round or a handle was left open.
//   node --expose-gc dist/bench/soak.js [--unary=N] [--streams=N] [--cancels=N] [--seconds=S]
//     [--concurrency=N] [--max-heap-growth-mib=M] [--json]
// --seconds stops after that long whatever is left (the 30-second version in npm test uses it).
import { parseArgs } from "node:util";
import { closeClient, createClient, createServer, GrpcError, loadService, Status } from "../src/index.js";
import type { EchoDefinition } from "../test/protos/gen/echo.js";

const { values } = parseArgs({
  options: {
    unary: { type: "string", default: "1000000" },
    streams: { type: "string", default: "10000" },
    cancels: { type: "string", default: "10000" },
    seconds: { type: "string" },
    concurrency: { type: "string", default: "64" },
    "max-heap-growth-mib": { type: "string", default: "16" },
    json: { type: "boolean", default: false },
  },
});
const totals = { unary: Number(values.unary), streams: Number(values.streams), cancels: Number(values.cancels) };
const concurrency = Number(values.concurrency);
const stopAt = values.seconds === undefined ? Infinity : Date.now() + Number(values.seconds) * 1000;
const maxGrowthMiB = Number(values["max-heap-growth-mib"]);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  process.stderr.write("soak: run node with --expose-gc (npm run soak does)\n");
  process.exit(2);
}
// Rounds small enough that a 30-second run still measures several of them.
const ROUNDS = 20;

const Echo = loadService<EchoDefinition>("test/protos/echo.proto", "h2grpc.test.Echo");
const server = createServer().addService(Echo, {
  async unary(request) {
    return { message: request.message, id: request.id };
  },
  async *serverStream(request, ctx) {
    for (let index = 0; index < request.count && !ctx.signal.aborted; index++) {
      if (request.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, request.delayMs));
      yield { index };
    }
  },
  async clientStream(requests) {
    let index = 0;
    for await (const _ of requests) index++;
    return { index };
  },
  async *bidi(requests) {
    for await (const request of requests) yield { index: request.count };
  },
});
const port = await server.listen({ host: "127.0.0.1", port: 0 });
const client = createClient(Echo, { address: `127.0.0.1:${port}` });
// Cancellations go over a connection of their own: Node 20's server cannot raise nghttp2's fixed
// rapid-reset limit (a burst of 1000 resets, then 33 a second) and ends such a connection with
// GOAWAY; a call racing that GOAWAY fails with UNAVAILABLE, which is counted, not an error here.
const cancelClient = createClient(Echo, { address: `127.0.0.1:${port}` });
let resetByServer = 0;

/** Runs `count` tasks, `concurrency` at a time, stopping early at the time limit. */
async function runMany(count: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < count && Date.now() < stopAt) {
      await task(next++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return done;
}

function expectCode(error: unknown, codes: readonly Status[]): void {
  if (error instanceof GrpcError && error.code === Status.UNAVAILABLE) {
    resetByServer++;
    return;
  }
  if (!(error instanceof GrpcError) || !codes.includes(error.code)) throw error;
}

const streamKinds = [
  async (): Promise<void> => {
    let n = 0;
    for await (const _ of client.serverStream({ count: 10 })) n++;
    if (n !== 10) throw new Error(`server stream delivered ${n} of 10`);
  },
  async (): Promise<void> => {
    const reply = await client.clientStream(Array.from({ length: 10 }, (_, count) => ({ count })));
    if (reply.index !== 10) throw new Error(`client stream counted ${reply.index} of 10`);
  },
  async (): Promise<void> => {
    const call = client.bidi();
    for (let count = 0; count < 10; count++) await call.write({ count });
    call.end();
    let n = 0;
    for await (const _ of call) n++;
    if (n !== 10) throw new Error(`bidi delivered ${n} of 10`);
  },
];

const cancelKinds = [
  // An abort right after the call starts.
  async (): Promise<void> => {
    const controller = new AbortController();
    const call = cancelClient.unary({ message: "x" }, { signal: controller.signal });
    controller.abort();
    await call.then(() => {}, (error: unknown) => expectCode(error, [Status.CANCELLED]));
  },
  // A deadline that passes while the server streams slowly.
  async (): Promise<void> => {
    try {
      for await (const _ of cancelClient.serverStream({ count: 1000, delayMs: 1 }, { timeoutMs: 5 }));
    } catch (error) {
      expectCode(error, [Status.DEADLINE_EXCEEDED]);
    }
  },
  // A reader that breaks off after the first message (RST_STREAM CANCEL).
  async (): Promise<void> => {
    try {
      for await (const _ of cancelClient.serverStream({ count: 1000, delayMs: 1 })) break;
    } catch (error) {
      expectCode(error, []);
    }
  },
];

interface Sample {
  readonly round: number;
  readonly unary: number;
  readonly streams: number;
  readonly cancels: number;
  readonly heapMiB: number;
  readonly rssMiB: number;
  readonly handles: Record<string, number>;
}

function sample(round: number, done: { unary: number; streams: number; cancels: number }): Sample {
  gc!();
  gc!();
  const memory = process.memoryUsage();
  const handles: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) handles[name] = (handles[name] ?? 0) + 1;
  return { round, ...done, heapMiB: round2((memory.heapUsed + memory.arrayBuffers) / 2 ** 20), rssMiB: round2(memory.rss / 2 ** 20), handles };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function print(entry: Sample): void {
  if (values.json) process.stdout.write(`${JSON.stringify(entry)}\n`);
  else {
    const handles = Object.entries(entry.handles).map(([name, count]) => `${name} ${count}`).join(", ");
    process.stdout.write(
      `round ${String(entry.round).padStart(2)}  unary ${String(entry.unary).padStart(8)}  streams ${String(entry.streams).padStart(6)}  ` +
        `cancels ${String(entry.cancels).padStart(6)}  heap ${entry.heapMiB.toFixed(1).padStart(6)} MiB  rss ${entry.rssMiB.toFixed(1).padStart(6)} MiB  handles: ${handles}\n`,
    );
  }
}

const done = { unary: 0, streams: 0, cancels: 0 };
const samples: Sample[] = [sample(0, done)];
print(samples[0]!);
for (let round = 1; round <= ROUNDS && Date.now() < stopAt; round++) {
  done.unary += await runMany(Math.ceil(totals.unary / ROUNDS), async (i) => {
    const reply = await client.unary({ message: "soak", id: String(i) });
    if (reply.id !== String(i)) throw new Error(`unary ${i} answered for ${reply.id}`);
  });
  done.streams += await runMany(Math.ceil(totals.streams / ROUNDS), (i) => streamKinds[i % streamKinds.length]!());
  done.cancels += await runMany(Math.ceil(totals.cancels / ROUNDS), (i) => cancelKinds[i % cancelKinds.length]!());
  const entry = sample(round, done);
  samples.push(entry);
  print(entry);
}

closeClient(client);
closeClient(cancelClient);
await server.close();
// Sockets finish closing a few turns of the event loop after close(); give them a bounded while.
for (let i = 0; i < 100 && handleCount() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
const end = sample(-1, done);
print(end);

// The first round warms the JIT, protobufjs's generated code and Node's pools: growth is counted from it.
const baseline = samples[1] ?? samples[0]!;
const growthMiB = round2(Math.max(...samples.slice(1).map((s) => s.heapMiB)) - baseline.heapMiB);
const leftHandles = handleCount();
const verdict = { unary: done.unary, streams: done.streams, cancels: done.cancels, cancelsCutByResetLimit: resetByServer, baselineHeapMiB: baseline.heapMiB, heapGrowthMiB: growthMiB, maxHeapGrowthMiB: maxGrowthMiB, handlesLeft: leftHandles };
process.stdout.write(`${values.json ? JSON.stringify({ verdict }) : `verdict: ${JSON.stringify(verdict)}`}\n`);
process.exitCode = growthMiB > maxGrowthMiB || leftHandles > 0 ? 1 : 0;

/** Handles other than the ones this measurement itself uses (none once everything is closed). */
function handleCount(): number {
  return process.getActiveResourcesInfo().filter((name) => name !== "TTYWrap" && name !== "PipeWrap").length;
}
