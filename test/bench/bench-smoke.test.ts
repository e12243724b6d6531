import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMPL_NAMES } from "../../bench/clients/bench-client.js";
import type { BenchReport } from "../../bench/report.js";
import { CURVE_SCENARIOS, LOAD_SCENARIOS, MEMORY_SCENARIOS } from "../../bench/scenarios.js";
import type { WebRow } from "../../bench/web/web-bench.js";
import { WEB_SCENARIOS, type WebServerName } from "../../bench/web/web-scenarios.js";
import { requirePeer } from "../helpers/peers.js";

// The benchmark is not a test: nothing here asserts on speed. This runs every scenario, every
// implementation and every side for a moment, so the benchmark cannot rot unnoticed, and checks
// that the report has every row with numbers of the right shape.

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const MAIN = path.join(ROOT, "dist", "bench", "main.js");

beforeAll(async () => {
  // The bench runs from dist/ (separate node processes): rebuild it when it is older than the
  // sources (npm install builds it once). Type errors are the typecheck step's business: tsc
  // still emits, and the run below is the check.
  if (isStale(MAIN)) {
    await run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
      cwd: ROOT,
    }).catch(() => {});
  }
  expect(existsSync(MAIN)).toBe(true);
}, 120_000);

function isStale(builtFile: string): boolean {
  if (!existsSync(builtFile)) return true;
  const builtAtMs = statSync(builtFile).mtimeMs;
  return ["src", "bench"].some((dir) =>
    readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" }).some(
      (file) => file.endsWith(".ts") && statSync(path.join(ROOT, dir, file)).mtimeMs > builtAtMs,
    ),
  );
}

/** A measured number as the report must hold it: finite and not negative (0 is possible on a busy machine). */
function expectMeasured(value: number | undefined, label: string): void {
  expect(typeof value, label).toBe("number");
  expect(Number.isFinite(value) && (value as number) >= 0, `${label}: ${String(value)}`).toBe(true);
}

/** Every row the report must have for `sides`: one per scenario, side and implementation, each with one run's numbers. */
function expectLoadRows(report: BenchReport, sides: readonly string[]): void {
  for (const scenario of LOAD_SCENARIOS) {
    for (const side of sides) {
      if (side === "h2load" && !scenario.hasH2load) continue;
      for (const impl of IMPL_NAMES) {
        const label = `${scenario.name} ${side} ${impl}`;
        const row = report.load.find((r) => r.scenario === scenario.name && r.side === side && (side === "client" ? r.client : r.server) === impl);
        expect(row, label).toBeDefined();
        expect(row?.rate.runs, label).toHaveLength(1); // --runs 1
        for (const value of [row?.rate.median, row?.rate.min, row?.rate.max, ...(row?.rate.runs ?? [])]) expectMeasured(value, label);
      }
    }
  }
}

// Nothing here depends on how fast the machine is: a 150 ms window on a busy machine may complete
// no call at all, so rates are checked for shape (present, finite, not negative), never for size.
describe("npm run bench", () => {
  let report: BenchReport & { web: WebRow[] };
  beforeAll(async () => {
    const { stdout } = await run(
      process.execPath,
      [MAIN, "--json", "--runs", "1", "--warmup-ms", "50", "--duration-ms", "150", "--streams", "30", "--connections", "3",
        "--scenarios", [...LOAD_SCENARIOS, ...MEMORY_SCENARIOS, ...WEB_SCENARIOS].map((scenario) => scenario.name).join(",")],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    report = JSON.parse(stdout) as BenchReport & { web: WebRow[] };
  }, 180_000);

  it("runs every scenario for every implementation on the server, client and end-to-end sides, and reports each rate", () => {
    expectLoadRows(report, ["server", "client", "e2e"]);
  });

  it("reports the memory held by open streams and idle connections for every implementation", () => {
    for (const impl of IMPL_NAMES) {
      for (const [scenario, side] of [["open-streams", "server"], ["idle-connections", "server"], ["idle-connections", "client"]]) {
        const row = report.memory.find((r) => r.scenario === scenario && r.side === side && r.impl === impl);
        const label = `${scenario} ${side} ${impl}`;
        expect(row, label).toBeDefined();
        expect(row?.rssAfterMiB, label).toBeGreaterThan(0); // a process always has resident memory
        expectMeasured(row?.held, label);
      }
    }
  });

  const expectWebRows = (server: WebServerName): void => {
    for (const scenario of WEB_SCENARIOS) {
      const row = report.web.find((r) => r.scenario === scenario.name && r.server === server);
      expect(row, `${scenario.name} ${server}`).toBeDefined();
      expectMeasured(row?.rate, `${scenario.name} ${server}`);
    }
  };

  it("runs the browser protocols' unary scenarios (gRPC-Web, Connect proto and JSON, HTTP/1.1 and HTTP/2) against h2grpc", () => {
    expectWebRows("h2grpc");
  });

  // connect-node's code is generated by protoc-gen-es, which needs protoc.
  it.skipIf(!requirePeer("the bench's connect-node rows", "protoc"))("runs them against connect-node too, with h2grpc's ratio", () => {
    expectWebRows("connect-node");
    expect(report.web.filter((row) => row.server === "h2grpc").every((row) => row.vsConnectNode !== undefined)).toBe(true);
  });

  it.skipIf(!requirePeer("the bench's h2load rows", "h2load"))("drives every server with h2load in the unary scenarios", () => {
    expectLoadRows(report, ["h2load"]);
  });
});

describe("npm run bench: scaling curves and the multi-core rows", () => {
  let report: BenchReport;
  let outDir: string;
  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), "h2grpc-bench-smoke-"));
    const scenarios = [...CURVE_SCENARIOS.map((curve) => curve.name), "multicore"].join(",");
    await run(
      process.execPath,
      [MAIN, "--json-file", path.join(outDir, "bench.json"), "--scenarios", scenarios, "--runs", "1", "--warmup-ms", "50", "--duration-ms", "150",
        "--curve-message-bytes", "256", "--curve-streams", "10", "--curve-connections", "2", "--workers", "2"],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    report = JSON.parse(readFileSync(path.join(outDir, "bench.json"), "utf8")) as BenchReport;
  }, 300_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("measures every curve's points for every implementation on the server and client sides", () => {
    for (const curve of CURVE_SCENARIOS) {
      for (const side of ["server", "client"] as const) {
        for (const impl of IMPL_NAMES) {
          const points = report.curves.filter((p) => p.curve === curve.name && p.side === side && p.impl === impl);
          const label = `${curve.name} ${side} ${impl}`;
          expect(points.map((p) => p.x), label).toEqual(curve.name === "scale-size" ? [16, 256] : [1, curve.name === "scale-streams" ? 10 : 2]);
          for (const point of points) {
            expect(point.error, label).toBeUndefined();
            expect(point.peakRssMiB, label).toBeGreaterThan(0); // a process always has resident memory
          }
        }
      }
    }
  });

  it("writes one SVG chart per curve beside the JSON, with a line for each implementation", () => {
    for (const curve of CURVE_SCENARIOS) {
      const svg = readFileSync(path.join(outDir, `${curve.name}.svg`), "utf8");
      expect(svg.startsWith("<svg ")).toBe(true);
      expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
      for (const impl of IMPL_NAMES) expect(svg).toContain(`>${impl}</text>`); // its legend entry
      // 4 panels of a line per implementation; a 150 ms window on a busy machine may measure no call (a gap).
      expect(svg.match(/<circle /g)?.length ?? 0).toBeGreaterThan(0);
      expect(svg.match(/<polyline /g)?.length ?? 0).toBeLessThanOrEqual(4 * IMPL_NAMES.length);
    }
  });

  it("serves from one process and from 2 workers, and drives the workers with one connection and with a pool", () => {
    const labels = report.multicore.map((row) => row.label);
    expect(labels).toContain("h2grpc client (1 connection) → h2grpc, 2 workers");
    expect(labels).toContain("h2grpc client (connectionsPerAddress 4) → h2grpc, 2 workers");
    for (const row of report.multicore) expectMeasured(row.rate.median, row.label);
  });

  it.skipIf(!requirePeer("the bench's multi-core h2load rows", "h2load"))("drives h2grpc in one process and on 2 workers with h2load", () => {
    const labels = report.multicore.map((row) => row.label);
    expect(labels).toContain("h2load → h2grpc, 1 process");
    expect(labels).toContain("h2load → h2grpc, 2 workers");
  });

  it.skipIf(!requirePeer("the bench's grpc-go row", "grpc-go", "h2load"))("drives grpc-go's interop server with h2load beside them", () => {
    expect(report.multicore.map((row) => row.label)).toContain("h2load → grpc-go interop server");
  });
});

