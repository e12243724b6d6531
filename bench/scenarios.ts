/** The throughput scenarios: each runs a closed loop on one connection for a warm-up, then a fixed duration. */
export type LoadScenarioName =
  | "unary-1"
  | "unary-16"
  | "unary-128"
  | "server-stream"
  | "client-stream"
  | "bidi-ping-pong"
  | "unary-1mib";

/** The memory scenarios: they measure resident memory, not speed. */
export type MemoryScenarioName = "open-streams" | "idle-connections";

/** The scaling curves: CPU per call and peak memory as one thing grows (bench/scaling-plan.ts). */
export type CurveName = "scale-size" | "scale-streams" | "scale-connections";

/** The multi-core comparison: one process, every core, and grpc-go (bench/multicore-plan.ts). */
export type MulticoreScenarioName = "multicore";

/** Any scenario name accepted by --scenarios. */
export type ScenarioName = LoadScenarioName | MemoryScenarioName | CurveName | MulticoreScenarioName;

/** One scaling curve: what grows along x. */
export interface CurveScenario {
  readonly name: CurveName;
  readonly description: string;
  readonly xLabel: string;
}

/** Every scaling curve, in report order. */
export const CURVE_SCENARIOS: readonly CurveScenario[] = [
  { name: "scale-size", description: "unary echo, 4 in flight, by message size", xLabel: "message size" },
  { name: "scale-streams", description: "unary, small message, by calls in flight on one connection", xLabel: "concurrent streams (one connection)" },
  { name: "scale-connections", description: "unary, small message, one call in flight on each of N connections", xLabel: "connections (one call in flight each)" },
];

/** How a throughput scenario drives its client. */
export type LoadKind = "unary" | "server-stream" | "client-stream" | "bidi";

/** One throughput scenario. */
export interface LoadScenario {
  readonly name: LoadScenarioName;
  readonly kind: LoadKind;
  /** Calls in flight at once on the one connection (unary only). */
  readonly inFlight: number;
  /** Sends and echoes a 1 MiB payload instead of the small message. */
  readonly isLarge: boolean;
  /** Unary: sends and echoes a message of exactly this many bytes instead (the scaling curves). */
  readonly messageBytes?: number;
  /** What one operation is, and how the rate is shown. */
  readonly unit: "req/s" | "msg/s" | "round trips/s" | "MiB/s";
  /** Whether h2load can drive it (plain unary POSTs only). */
  readonly hasH2load: boolean;
  readonly description: string;
}

/** Every throughput scenario, in report order. */
export const LOAD_SCENARIOS: readonly LoadScenario[] = [
  unary("unary-1", 1),
  unary("unary-16", 16),
  unary("unary-128", 128),
  {
    name: "server-stream",
    kind: "server-stream",
    inFlight: 1,
    isLarge: false,
    unit: "msg/s",
    hasH2load: false,
    description: "server streaming, small messages (calls of 10,000 replies, back to back)",
  },
  {
    name: "client-stream",
    kind: "client-stream",
    inFlight: 1,
    isLarge: false,
    unit: "msg/s",
    hasH2load: false,
    description: "client streaming, small messages (calls of 10,000 requests, back to back)",
  },
  {
    name: "bidi-ping-pong",
    kind: "bidi",
    inFlight: 1,
    isLarge: false,
    unit: "round trips/s",
    hasH2load: false,
    description: "bidi ping-pong: one message, wait for its reply, repeat, on one stream",
  },
  {
    name: "unary-1mib",
    kind: "unary",
    inFlight: 4,
    isLarge: true,
    unit: "MiB/s",
    hasH2load: false,
    description: "unary echo of a 1 MiB payload, 4 in flight (MiB/s each way)",
  },
];

function unary(name: LoadScenarioName, inFlight: number): LoadScenario {
  return {
    name,
    kind: "unary",
    inFlight,
    isLarge: false,
    unit: "req/s",
    hasH2load: true,
    description: `unary, small message, ${inFlight} in flight on one connection`,
  };
}

/** Every memory scenario, in report order. */
export const MEMORY_SCENARIOS: readonly { name: MemoryScenarioName; description: string }[] = [
  { name: "open-streams", description: "server RSS with many concurrent open bidi streams (raw client)" },
  { name: "idle-connections", description: "RSS per idle connection (after one call), server side and client side" },
];

/** Looks a throughput scenario up by name. */
export function loadScenario(name: LoadScenarioName): LoadScenario {
  const found = LOAD_SCENARIOS.find((scenario) => scenario.name === name);
  if (found === undefined) throw new Error(`unknown scenario ${name}`);
  return found;
}
