import { cpus } from "node:os";
import type { ImplName } from "./clients/bench-client.js";
import { pairingKey, type Driver, type PairingRuns } from "./load-plan.js";
import type { MemoryRun } from "./memory-plan.js";
import type { CurvePoint } from "./scaling-plan.js";
import type { MulticoreRuns } from "./multicore-plan.js";
import { buildMulticoreRows, formatMulticore, type MulticoreRow } from "./multicore-report.js";
import { formatCurves } from "./scaling-report.js";
import type { BenchOptions, Side } from "./options.js";
import { LOAD_SCENARIOS } from "./scenarios.js";
import { median, summarize, type Summary } from "./stats.js";
import { checkTargets, formatTargets } from "./targets.js";

/** One row of a throughput table: a pairing's runs summarized, with its ratios. */
export interface LoadRow {
  readonly scenario: string;
  readonly unit: string;
  readonly side: Side;
  readonly client: Driver;
  readonly server: ImplName;
  readonly rate: Summary;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Median CPU µs per operation of the client and server processes. */
  readonly clientCpuUs?: number;
  readonly serverCpuUs?: number;
  /** rate / the same side's raw row (the ceiling). */
  readonly vsCeiling: number | undefined;
  /** rate / the same side's grpc-js row. */
  readonly vsGrpcJs: number | undefined;
}

/** One row of a memory table. */
export interface MemoryRow {
  readonly scenario: "open-streams" | "idle-connections";
  readonly side: "server" | "client";
  readonly impl: ImplName;
  readonly held: number;
  /** Median RSS of the measured process before and with everything held, in MiB. */
  readonly rssBeforeMiB: number;
  readonly rssAfterMiB: number;
  /** Median (after − before) / held, in KiB. */
  readonly perItemKiB: number;
}

/** Everything `--json` prints. */
export interface BenchReport {
  readonly machine: { nproc: number; cpu: string; node: string; platform: string; date: string };
  readonly options: BenchOptions;
  readonly load: LoadRow[];
  readonly memory: MemoryRow[];
  /** The scaling curves, point by point (bench/scaling-plan.ts). */
  readonly curves: CurvePoint[];
  /** One process, every core and grpc-go (bench/multicore-plan.ts). */
  readonly multicore: MulticoreRow[];
}

// Each side compares implementations in one role while the other end stays fixed.
const SIDE_ROWS: Record<Side, (impl: ImplName) => { client: Driver; server: ImplName }> = {
  server: (impl) => ({ client: "raw", server: impl }),
  h2load: (impl) => ({ client: "h2load", server: impl }),
  client: (impl) => ({ client: impl, server: "raw" }),
  e2e: (impl) => ({ client: impl, server: impl }),
};
const SIDE_ORDER: readonly Side[] = ["server", "h2load", "client", "e2e"];

/** Summarizes raw measurements into rows with ratios against the ceiling and grpc-js. */
export function buildReport(
  loadRuns: readonly PairingRuns[],
  memoryRuns: readonly MemoryRun[],
  curves: readonly CurvePoint[],
  multicore: readonly MulticoreRuns[],
  options: BenchOptions,
): BenchReport {
  const load: LoadRow[] = [];
  for (const scenario of LOAD_SCENARIOS) {
    const byKey = new Map(loadRuns.filter((r) => r.scenario === scenario.name).map((r) => [pairingKey(r), r]));
    for (const side of SIDE_ORDER) {
      const rateOf = (impl: ImplName): number | undefined => {
        const runs = byKey.get(pairingKey(SIDE_ROWS[side](impl)))?.runs;
        return runs === undefined ? undefined : median(runs.map((r) => r.rate));
      };
      for (const impl of options.impls) {
        const pairing = SIDE_ROWS[side](impl);
        const runs = byKey.get(pairingKey(pairing))?.runs;
        if (runs === undefined || !options.sides.includes(side)) continue;
        const rate = summarize(runs.map((r) => r.rate));
        const ceiling = rateOf("raw");
        const grpcJs = rateOf("grpc-js");
        const p50 = runs.map((r) => r.p50Ms).filter((v): v is number => v !== undefined);
        const p99 = runs.map((r) => r.p99Ms).filter((v): v is number => v !== undefined);
        const clientCpu = runs.map((r) => r.clientCpuUs).filter((v): v is number => v !== undefined);
        const serverCpu = runs.map((r) => r.serverCpuUs).filter((v): v is number => v !== undefined);
        load.push({
          scenario: scenario.name,
          unit: scenario.unit,
          side,
          ...pairing,
          rate,
          ...(p50.length > 0 ? { p50Ms: median(p50), p99Ms: median(p99) } : {}),
          ...(clientCpu.length > 0 ? { clientCpuUs: median(clientCpu) } : {}),
          ...(serverCpu.length > 0 ? { serverCpuUs: median(serverCpu) } : {}),
          vsCeiling: ceiling === undefined ? undefined : rate.median / ceiling,
          vsGrpcJs: grpcJs === undefined ? undefined : rate.median / grpcJs,
        });
      }
    }
  }
  return { machine: describeMachine(), options, load, memory: memoryRows(memoryRuns), curves: [...curves], multicore: buildMulticoreRows(multicore) };
}

function memoryRows(runs: readonly MemoryRun[]): MemoryRow[] {
  const rows: MemoryRow[] = [];
  const groups = new Map<string, { scenario: MemoryRun["scenario"]; side: "server" | "client"; impl: ImplName; runs: MemoryRun[] }>();
  for (const run of runs) {
    // idle-connections measures both ends; a row reads the end whose implementation varies.
    const sides: ("server" | "client")[] = run.scenario === "open-streams" ? ["server"] : [];
    if (run.scenario === "idle-connections") {
      if (run.client === "raw") sides.push("server");
      if (run.server === "raw") sides.push("client");
    }
    for (const side of sides) {
      const impl = side === "server" ? run.server : run.client;
      const key = `${run.scenario} ${side} ${impl}`;
      const group = groups.get(key) ?? { scenario: run.scenario, side, impl, runs: [] };
      group.runs.push(run);
      groups.set(key, group);
    }
  }
  for (const { scenario, side, impl, runs: group } of groups.values()) {
    const before = group.map((r) => (side === "server" ? r.serverRssBeforeBytes : r.clientRssBeforeBytes));
    const after = group.map((r) => (side === "server" ? r.serverRssAfterBytes : r.clientRssAfterBytes));
    const held = (group[0] as MemoryRun).held;
    rows.push({
      scenario,
      side,
      impl,
      held,
      rssBeforeMiB: median(before) / 2 ** 20,
      rssAfterMiB: median(after) / 2 ** 20,
      perItemKiB: median(group.map((_, i) => ((after[i] as number) - (before[i] as number)) / held / 1024)),
    });
  }
  return rows;
}

function describeMachine(): BenchReport["machine"] {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

/** Renders the report as plain-text tables. */
export function formatReport(report: BenchReport): string {
  const { machine, options } = report;
  const lines = [
    `h2grpc bench: ${machine.nproc} × ${machine.cpu}, node ${machine.node}, ${machine.platform}, ${machine.date}`,
    `${options.runs} run(s) of ${options.warmupMs} ms warm-up + ${options.durationMs} ms each; median shown, spread = (max − min) / median`,
    "µs/op: CPU time (user + system) of the client and server process per operation, over the whole run",
  ];
  for (const scenario of LOAD_SCENARIOS) {
    const rows = report.load.filter((row) => row.scenario === scenario.name);
    if (rows.length === 0) continue;
    lines.push("", `${scenario.name}: ${scenario.description} [${scenario.unit}]`);
    const table: string[][] = [
      ["side", "client → server", scenario.unit, "spread", "p50 ms", "p99 ms", "×ceiling", "×grpc-js", "client µs/op", "server µs/op"],
    ];
    for (const row of rows) {
      table.push([
        row.side,
        `${row.client} → ${row.server}`,
        formatNumber(row.rate.median),
        `${(row.rate.spread * 100).toFixed(1)}%`,
        row.p50Ms === undefined ? "" : row.p50Ms.toFixed(2),
        row.p99Ms === undefined ? "" : row.p99Ms.toFixed(2),
        formatRatio(row.vsCeiling),
        formatRatio(row.vsGrpcJs),
        formatCpu(row.clientCpuUs),
        formatCpu(row.serverCpuUs),
      ]);
    }
    lines.push(...alignColumns(table));
  }
  for (const scenario of ["open-streams", "idle-connections"] as const) {
    const rows = report.memory.filter((row) => row.scenario === scenario);
    if (rows.length === 0) continue;
    const held = (rows[0] as MemoryRow).held;
    lines.push(
      "",
      scenario === "open-streams"
        ? `open-streams: ${held} concurrent bidi streams held open by the raw client (1000 per connection) [server RSS]`
        : `idle-connections: ${held} connections, one unary call each, then idle [RSS of the varied end]`,
    );
    const table: string[][] = [["side", "impl", "RSS before MiB", "RSS held MiB", scenario === "open-streams" ? "KiB/stream" : "KiB/connection"]];
    for (const row of rows) {
      table.push([row.side, row.impl, row.rssBeforeMiB.toFixed(1), row.rssAfterMiB.toFixed(1), row.perItemKiB.toFixed(1)]);
    }
    lines.push(...alignColumns(table));
  }
  lines.push(...formatCurves(report.curves));
  lines.push(...formatMulticore(report.multicore));
  lines.push("", "targets (issues 7 and 18), h2grpc:", ...formatTargets(checkTargets(report)));
  return lines.join("\n");
}

function formatNumber(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(1);
}

function formatCpu(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "";
  return value >= 10 ? value.toFixed(0) : value.toFixed(2);
}

function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "" : value.toFixed(2);
}

function alignColumns(table: readonly string[][]): string[] {
  const widths = (table[0] as string[]).map((_, column) => Math.max(...table.map((row) => (row[column] ?? "").length)));
  return table.map(
    (row) =>
      "  " +
      row
        .map((cell, column) => (column < 2 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number)))
        .join("  "),
  );
}
