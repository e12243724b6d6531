import type { ImplName } from "./clients/bench-client.js";
import type { RunTiming } from "./load-driver.js";
import type { BenchOptions } from "./options.js";
import { CURVE_SCENARIOS, type CurveName } from "./scenarios.js";
import { serverCpuUs, serverPeakRssBytes, startClientWorker, startServerWorker, type ServerWorker, type Worker } from "./workers.js";
import { measureWindowCpu } from "./window-cpu.js";
import type { ClientCommand, LoadShape } from "./worker-protocol.js";

/** One point of a scaling curve: one implementation at one x, on one side. */
export interface CurvePoint {
  readonly curve: CurveName;
  readonly x: number;
  /** server: the implementation's server driven by the raw client; client: its client against the raw server. */
  readonly side: "server" | "client";
  readonly impl: ImplName;
  /** Calls per second in the measured window. */
  readonly rate?: number;
  /** CPU time of the measured process (the server, or the client) per call in the measured window, in µs. */
  readonly cpuUs?: number;
  /** The measured process's peak RSS (a fresh process per point, so start-up, warm-up and load), in MiB. */
  readonly peakRssMiB?: number;
  /** Why the point has no numbers (the implementation failed at this x). */
  readonly error?: string;
}

const MESSAGE_SIZES = [16, 256, 4096, 65_536, 1_048_576, 4_194_304];
const DECADES = [1, 10, 100, 1_000, 10_000];
/** Unary calls in flight in the message-size curve. */
const SIZE_CURVE_IN_FLIGHT = 4;

/** The x values of a curve up to its largest (from the options), the largest always included. */
export function curveXs(curve: CurveName, options: BenchOptions): number[] {
  const [steps, largest] =
    curve === "scale-size"
      ? [MESSAGE_SIZES, options.curveMessageBytes]
      : curve === "scale-streams"
        ? [DECADES, options.curveStreams]
        : [DECADES, options.curveConnections];
  const xs = steps.filter((x) => x < largest);
  return [...xs, largest];
}

/** How a run at `x` departs from a small unary run with one call in flight. */
export function shapeAt(curve: CurveName, x: number): LoadShape {
  switch (curve) {
    case "scale-size":
      return { messageBytes: x, inFlight: SIZE_CURVE_IN_FLIGHT };
    case "scale-streams":
      return { inFlight: x };
    case "scale-connections":
      return { connections: x, inFlight: x };
  }
}

/**
 * The warm-up and window of a run at `x`: with thousands of calls in flight, calls finish in bursts
 * a round apart, so the window grows to hold many rounds (1 ms per call in flight) and the warm-up
 * to see every loop's first call through (0.5 ms per call).
 */
export function timingAt(curve: CurveName, x: number, base: RunTiming): RunTiming {
  if (curve === "scale-size") return base;
  return { warmupMs: Math.max(base.warmupMs, Math.round(x / 2)), durationMs: Math.max(base.durationMs, x) };
}

/**
 * Runs the selected curves, each point once, x by x with every implementation at each x (so
 * drift hits them alike). The process being measured is fresh at every point, for its peak RSS:
 * a new server against one long-lived raw client (server side), a new client against one
 * long-lived raw server (client side). A point an implementation fails is recorded with its error.
 */
export async function runScalingCurves(options: BenchOptions, log: (line: string) => void): Promise<CurvePoint[]> {
  const curves = CURVE_SCENARIOS.filter((curve) => options.scenarios.includes(curve.name));
  const sides = (["server", "client"] as const).filter((side) => options.sides.includes(side));
  if (curves.length === 0 || sides.length === 0) return [];
  // A fresh process needs the whole warm-up (V8 optimizes the hot path in it); half the window will do.
  const timing: RunTiming = { warmupMs: options.warmupMs, durationMs: Math.max(1, Math.round(options.durationMs / 2)) };
  const points: CurvePoint[] = [];
  const eachPoint = async (
    side: CurvePoint["side"],
    measure: (impl: ImplName, shape: LoadShape, timing: RunTiming) => Promise<Measured>,
  ): Promise<void> => {
    for (const curve of curves) {
      for (const x of curveXs(curve.name, options)) {
        for (const impl of options.impls) {
          log(`${curve.name} x=${x}: ${side === "server" ? `raw client → ${impl} server` : `${impl} client → raw server`}`);
          points.push({ curve: curve.name, x, side, impl, ...(await measure(impl, shapeAt(curve.name, x), timingAt(curve.name, x, timing))) });
        }
      }
    }
  };
  if (sides.includes("server")) {
    const client = await startClientWorker("raw", options.profileDir);
    try {
      await eachPoint("server", (impl, shape, at) => measureServer(impl, client, shape, at, options));
    } finally {
      await client.stop();
    }
  }
  if (sides.includes("client")) {
    const server = await startServerWorker("raw", options.profileDir);
    try {
      await eachPoint("client", (impl, shape, at) => measureClient(impl, server, shape, at, options));
    } finally {
      await server.worker.stop();
    }
  }
  return points;
}

type Measured = Pick<CurvePoint, "rate" | "cpuUs" | "peakRssMiB" | "error">;

async function measureServer(impl: ImplName, client: Worker<ClientCommand>, shape: LoadShape, timing: RunTiming, options: BenchOptions): Promise<Measured> {
  let server: ServerWorker | undefined;
  try {
    server = await startServerWorker(impl, options.profileDir);
    await client.request({ type: "prepare", port: server.port, shape });
    const started = server;
    const { result: reply, windowCpuUs } = await measureWindowCpu(
      client.request({ type: "run", scenario: "unary-1", port: server.port, timing, shape }),
      timing,
      () => serverCpuUs(started),
    );
    if (reply.type !== "result") throw new Error(`unexpected reply ${reply.type}`);
    const cpuUs = windowCpuUs / reply.result.operations;
    return numbers({ rate: reply.result.rate, cpuUs, peakRssMiB: (await serverPeakRssBytes(server)) / 2 ** 20 });
  } catch (error) {
    return { error: firstLine(error) };
  } finally {
    await server?.worker.stop();
  }
}

async function measureClient(impl: ImplName, server: ServerWorker, shape: LoadShape, timing: RunTiming, options: BenchOptions): Promise<Measured> {
  let client: Worker<ClientCommand> | undefined;
  try {
    client = await startClientWorker(impl, options.profileDir);
    const reply = await client.request({ type: "run", scenario: "unary-1", port: server.port, timing, shape });
    if (reply.type !== "result") throw new Error(`unexpected reply ${reply.type}`);
    const { rate, windowClientCpuUs, clientPeakRssBytes } = reply.result;
    return numbers({ rate, cpuUs: windowClientCpuUs, peakRssMiB: (clientPeakRssBytes ?? Number.NaN) / 2 ** 20 });
  } catch (error) {
    return { error: firstLine(error) };
  } finally {
    await client?.stop();
  }
}

// A window that completed no call gives NaN, which IPC (JSON) turns into null: neither is a number to plot.
function numbers(measured: Record<"rate" | "cpuUs" | "peakRssMiB", number | null | undefined>): Measured {
  const finite = (value: number | null | undefined): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
  return { rate: finite(measured.rate), cpuUs: finite(measured.cpuUs), peakRssMiB: finite(measured.peakRssMiB) };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n").find((line) => line.trim() !== "")?.trim() ?? text;
}
