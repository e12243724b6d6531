import { setTimeout as sleep } from "node:timers/promises";
import { LARGE_PAYLOAD_BYTES, UNARY_REQUESTS, sizedRequest, type UnaryRequest } from "./bench-messages.js";
import type { BenchClient, MessageCounter } from "./clients/bench-client.js";
import type { LoadScenario } from "./scenarios.js";
import { LatencyRecorder } from "./stats.js";

/** Warm-up and measured duration of one run, in ms. */
export interface RunTiming {
  readonly warmupMs: number;
  readonly durationMs: number;
}

/** What one run of a throughput scenario measured. */
export interface LoadResult {
  /** Operations (calls, messages or round trips) completed inside the measured window. */
  readonly operations: number;
  readonly elapsedMs: number;
  /** The scenario's rate in its unit (MiB/s for the 1 MiB scenario). */
  readonly rate: number;
  /** Unary only: latency percentiles of the calls that completed inside the window. */
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Operations over the whole run, warm-up and drain included: the divisor of the CPU figures. */
  readonly totalOperations?: number;
  /** CPU time (user + system) of the client process per operation over the whole run, in µs. */
  readonly clientCpuUs?: number;
  /** CPU time of the server process per operation over the whole run, in µs. */
  readonly serverCpuUs?: number;
  /** The client process's peak RSS after the run, in bytes (getrusage). */
  readonly clientPeakRssBytes?: number;
  /** CPU time of the client process per operation inside the measured window only, in µs (warm-up excluded). */
  readonly windowClientCpuUs?: number;
}

// After the window closes, calls already started must finish; a call that takes this long is hung.
const DRAIN_LIMIT_MS = 60_000;

interface LoopState {
  isMeasuring: boolean;
  isStopped: boolean;
}

/**
 * Runs one scenario as a closed loop: `inFlight` loops each start the next operation as soon as
 * the previous one ended, spread over `clients` in turn. Counts operations between the end of the
 * warm-up and the end of the window. Rejects with the first call error.
 */
export async function runLoad(clients: readonly BenchClient[], scenario: LoadScenario, timing: RunTiming): Promise<LoadResult> {
  const state: LoopState = { isMeasuring: false, isStopped: false };
  const counter: MessageCounter = { value: 0 };
  const latencies = new LatencyRecorder();
  const loops: Promise<void>[] = [];
  for (let i = 0; i < scenario.inFlight; i++) {
    loops.push(startLoop(clients[i % clients.length] as BenchClient, scenario, state, counter, latencies));
  }

  const { operations, elapsedMs, windowCpuUs } = await measureWindow(loops, state, counter, timing);
  const perSecond = (operations * 1000) / elapsedMs;
  // Each 1 MiB call moves LARGE_PAYLOAD_BYTES each way: report MiB/s each way.
  const rate = scenario.isLarge ? (perSecond * LARGE_PAYLOAD_BYTES) / 2 ** 20 : perSecond;
  const totalOperations = counter.value;
  const windowClientCpuUs = windowCpuUs / operations;
  if (scenario.kind !== "unary") return { operations, elapsedMs, rate, totalOperations, windowClientCpuUs };
  return { operations, elapsedMs, rate, totalOperations, windowClientCpuUs, ...latencies.percentiles() };
}

async function startLoop(
  client: BenchClient,
  scenario: LoadScenario,
  state: LoopState,
  counter: MessageCounter,
  latencies: LatencyRecorder,
): Promise<void> {
  switch (scenario.kind) {
    case "unary": {
      const request = unaryRequestOf(scenario);
      while (!state.isStopped) {
        const startedMs = performance.now();
        await client.unary(request);
        counter.value++;
        if (state.isMeasuring) latencies.record(performance.now() - startedMs);
      }
      return;
    }
    case "server-stream":
      while (!state.isStopped) await client.serverStream(counter);
      return;
    case "client-stream":
      while (!state.isStopped) await client.clientStream(counter);
      return;
    case "bidi": {
      const pingPong = client.openBidi();
      while (!state.isStopped) {
        await pingPong.ping();
        counter.value++;
      }
      await pingPong.end();
      return;
    }
  }
}

function unaryRequestOf(scenario: LoadScenario): UnaryRequest {
  if (scenario.isLarge) return UNARY_REQUESTS.large;
  return scenario.messageBytes === undefined ? UNARY_REQUESTS.small : sizedRequest(scenario.messageBytes);
}

async function measureWindow(
  loops: readonly Promise<void>[],
  state: LoopState,
  counter: MessageCounter,
  timing: RunTiming,
): Promise<{ operations: number; elapsedMs: number; windowCpuUs: number }> {
  let failure: unknown;
  const failed = new Promise<void>((resolve) => {
    for (const loop of loops) {
      loop.catch((error: unknown) => {
        failure ??= error;
        state.isStopped = true;
        resolve();
      });
    }
  });
  const allDone = Promise.allSettled(loops);

  await Promise.race([sleep(timing.warmupMs), failed]);
  const startCount = counter.value;
  const startMs = performance.now();
  const startCpu = process.cpuUsage();
  state.isMeasuring = true;
  await Promise.race([sleep(timing.durationMs), failed]);
  const elapsedMs = performance.now() - startMs;
  const operations = counter.value - startCount;
  const cpu = process.cpuUsage(startCpu);
  state.isMeasuring = false;
  state.isStopped = true;

  const drainTimer = sleep(DRAIN_LIMIT_MS, "hung" as const, { ref: false });
  if ((await Promise.race([allDone, drainTimer])) === "hung") {
    throw new Error(`calls still running ${DRAIN_LIMIT_MS} ms after the window closed`);
  }
  if (failure !== undefined) throw failure;
  return { operations, elapsedMs, windowCpuUs: cpu.user + cpu.system };
}
