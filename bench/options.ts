import { availableParallelism } from "node:os";
import { IMPL_NAMES, type ImplName } from "./clients/bench-client.js";
import { CURVE_SCENARIOS, LOAD_SCENARIOS, MEMORY_SCENARIOS, type ScenarioName } from "./scenarios.js";
import { WEB_SCENARIOS, type WebScenarioName } from "./web/web-scenarios.js";

/** Which side of the wire a measurement isolates. */
export type Side = "server" | "client" | "e2e" | "h2load";
const SIDES: readonly Side[] = ["server", "client", "e2e", "h2load"];
const ALL_SCENARIOS: readonly (ScenarioName | WebScenarioName)[] = [
  ...LOAD_SCENARIOS.map((s) => s.name),
  ...MEMORY_SCENARIOS.map((s) => s.name),
  ...WEB_SCENARIOS.map((s) => s.name), // the browser protocols, bench/web
  ...CURVE_SCENARIOS.map((s) => s.name),
  "multicore",
];

/** The parsed command line of `npm run bench`. */
export interface BenchOptions {
  readonly scenarios: readonly (ScenarioName | WebScenarioName)[];
  /** Always contains "raw": the ceiling every ratio is taken against. */
  readonly impls: readonly ImplName[];
  readonly sides: readonly Side[];
  readonly runs: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Streams held open in the open-streams scenario. */
  readonly streams: number;
  /** Connections held open in the idle-connections scenario. */
  readonly connections: number;
  /** The largest x of each scaling curve: message bytes, streams in flight, connections. */
  readonly curveMessageBytes: number;
  readonly curveStreams: number;
  readonly curveConnections: number;
  /** Worker processes of the multi-core rows (default: every core). */
  readonly workers: number;
  readonly isJson: boolean;
  /** Also write the JSON report to this file (the table still goes to stdout). */
  readonly jsonFile: string | undefined;
  /** Directory for `node --cpu-prof` profiles of every worker process, when set. */
  readonly profileDir: string | undefined;
}

/** The usage text printed by --help. */
export const USAGE = `usage: npm run bench -- [options]     (or: node dist/bench/main.js [options])
  --scenarios a,b,..   ${ALL_SCENARIOS.join(",")}
                       (default: all)
  --impls a,b,..       ${IMPL_NAMES.join(",")} (default: all; raw, the ceiling, always runs)
  --sides a,b,..       server (each server vs the raw client), client (each client vs the raw
                       server), e2e (each client vs its own server), h2load (each server vs
                       h2load, when installed) (default: all)
  --runs N             repetitions of every measurement; the median is reported (default 3)
  --warmup-ms N        warm-up before each measured window (default 1000)
  --duration-ms N      measured window (default 3000)
  --streams N          open-streams: streams held open (default 10000)
  --connections N      idle-connections: connections held open (default 200)
  --curve-message-bytes N, --curve-streams N, --curve-connections N
                       the largest point of each scaling curve (default 4194304, 10000, 1000);
                       each point runs once on a fresh process, the full warm-up and half the window
  --workers N          multicore: worker processes of the cluster rows (default: every core, ${availableParallelism()})
                       (the curves run on the server and client sides; multicore is h2grpc's and
                       grpc-go's, whatever --impls and --sides say)
  --quick              --runs 1 --warmup-ms 200 --duration-ms 500 --streams 1000 --connections 20
                       --curve-message-bytes 1048576 --curve-streams 1000 --curve-connections 100
  --json               print the results as JSON instead of tables
  --json-file PATH     also write the JSON report to PATH, and the scaling curves as SVG
                       charts beside it (scale-size.svg, scale-streams.svg, scale-connections.svg)
  --profile DIR        run every worker under node --cpu-prof, writing profiles to DIR
`;

/** Parses argv (without node and the script); throws Error with the usage text for bad input. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  let scenarios: (ScenarioName | WebScenarioName)[] = [...ALL_SCENARIOS];
  let impls: ImplName[] = [...IMPL_NAMES];
  let sides: Side[] = [...SIDES];
  let runs = 3;
  let warmupMs = 1000;
  let durationMs = 3000;
  let streams = 10_000;
  let connections = 200;
  let curveMessageBytes = 4 * 1024 * 1024;
  let curveStreams = 10_000;
  let curveConnections = 1_000;
  let workers = availableParallelism();
  let isJson = false;
  let profileDir: string | undefined;
  let jsonFile: string | undefined;

  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return next;
    };
    switch (flag) {
      case "--scenarios":
        scenarios = pickList(value(), ALL_SCENARIOS, flag);
        break;
      case "--impls":
        impls = pickList(value(), [...IMPL_NAMES], flag);
        break;
      case "--sides":
        sides = pickList(value(), [...SIDES], flag);
        break;
      case "--runs":
        runs = positiveInteger(value(), flag);
        break;
      case "--warmup-ms":
        warmupMs = positiveInteger(value(), flag, 0);
        break;
      case "--duration-ms":
        durationMs = positiveInteger(value(), flag);
        break;
      case "--streams":
        streams = positiveInteger(value(), flag);
        break;
      case "--connections":
        connections = positiveInteger(value(), flag);
        break;
      case "--curve-message-bytes":
        curveMessageBytes = positiveInteger(value(), flag, 16);
        break;
      case "--curve-streams":
        curveStreams = positiveInteger(value(), flag);
        break;
      case "--curve-connections":
        curveConnections = positiveInteger(value(), flag);
        break;
      case "--workers":
        workers = positiveInteger(value(), flag);
        break;
      case "--quick":
        [runs, warmupMs, durationMs, streams, connections] = [1, 200, 500, 1000, 20];
        [curveMessageBytes, curveStreams, curveConnections] = [1024 * 1024, 1000, 100];
        break;
      case "--json":
        isJson = true;
        break;
      case "--json-file":
        jsonFile = value();
        break;
      case "--profile":
        profileDir = value();
        break;
      case "--help":
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (!impls.includes("raw")) impls.unshift("raw");
  return {
    scenarios,
    impls,
    sides,
    runs,
    warmupMs,
    durationMs,
    streams,
    connections,
    curveMessageBytes,
    curveStreams,
    curveConnections,
    workers,
    isJson,
    jsonFile,
    profileDir,
  };
}

function pickList<T extends string>(text: string, allowed: readonly T[], flag: string): T[] {
  const picked = text.split(",").filter((item) => item !== "");
  for (const item of picked) {
    if (!allowed.includes(item as T)) throw new Error(`${flag}: unknown value "${item}" (one of ${allowed.join(", ")})`);
  }
  return picked as T[];
}

function positiveInteger(text: string, flag: string, least = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < least) throw new Error(`${flag}: expected an integer ≥ ${least}, got "${text}"`);
  return value;
}
