import type { BenchReport, LoadRow } from "./report.js";
import type { Side } from "./options.js";

/** One target of issues 7 and 18, checked against a report. */
export interface TargetCheck {
  readonly target: string;
  /** What was measured, e.g. "server-side 0.93, h2load 0.91". */
  readonly measured: string;
  /** True when every measured value meets the target; undefined when nothing was measured. */
  readonly holds: boolean | undefined;
}

interface Measurement {
  readonly label: string;
  readonly value: number | undefined;
}

/**
 * The targets of issue 7, read from the h2grpc rows: throughput ratios (and, as a cross-check
 * that survives a busy machine, CPU-per-operation ratios against the ceiling).
 */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const row = (scenario: string, side: Side): LoadRow | undefined =>
    report.load.find((r) => r.scenario === scenario && r.side === side && (side === "client" ? r.client : r.server) === "h2grpc");
  const cpuRatio = (scenario: string, side: "server" | "h2load" | "client"): number | undefined => {
    const ceiling = report.load.find((r) => r.scenario === scenario && r.side === side && (side === "client" ? r.client : r.server) === "raw");
    const ours = row(scenario, side);
    const key = side === "client" ? "clientCpuUs" : "serverCpuUs";
    const [raw, mine] = [ceiling?.[key], ours?.[key]];
    return raw === undefined || mine === undefined ? undefined : raw / mine;
  };
  const memory = (scenario: string, side: "server" | "client") =>
    report.memory.find((r) => r.scenario === scenario && r.side === side && r.impl === "h2grpc");

  const checks: TargetCheck[] = [];
  const add = (target: string, least: number, measurements: Measurement[], isAtMost = false): void => {
    const measured = measurements.filter((m): m is { label: string; value: number } => m.value !== undefined && Number.isFinite(m.value));
    checks.push({
      target,
      measured: measured.map((m) => `${m.label} ${m.value.toFixed(2)}`).join(", ") || "not measured",
      holds: measured.length === 0 ? undefined : measured.every((m) => (isAtMost ? m.value < least : m.value >= least)),
    });
  };
  for (const inFlight of [16, 128]) {
    const scenario = `unary-${inFlight}`;
    add(`server ≥ 0.9 × ceiling, small unary, ${inFlight} in flight`, 0.9, [
      { label: "raw client", value: row(scenario, "server")?.vsCeiling },
      { label: "h2load", value: row(scenario, "h2load")?.vsCeiling },
    ]);
    checks.push(crossCheck(`  (CPU per call, ceiling ÷ h2grpc)`, [
      { label: "raw client", value: cpuRatio(scenario, "server") },
      { label: "h2load", value: cpuRatio(scenario, "h2load") },
    ]));
    add(`client ≥ 0.85 × raw client, small unary, ${inFlight} in flight`, 0.85, [
      { label: "raw server", value: row(scenario, "client")?.vsCeiling },
    ]);
    checks.push(crossCheck(`  (CPU per call, raw client ÷ h2grpc)`, [{ label: "raw server", value: cpuRatio(scenario, "client") }]));
  }
  add("server streaming ≥ 4 × grpc-js", 4, [
    { label: "server side", value: row("server-stream", "server")?.vsGrpcJs },
    { label: "client side", value: row("server-stream", "client")?.vsGrpcJs },
    { label: "end to end", value: row("server-stream", "e2e")?.vsGrpcJs },
  ]);
  add("1 MiB unary ≥ 0.9 × ceiling", 0.9, [
    { label: "server side", value: row("unary-1mib", "server")?.vsCeiling },
    { label: "client side", value: row("unary-1mib", "client")?.vsCeiling },
    { label: "end to end", value: row("unary-1mib", "e2e")?.vsCeiling },
  ]);
  const streams = memory("open-streams", "server");
  add(`${streams?.held ?? 10_000} open streams < 200 MiB server RSS`, 200, [{ label: "MiB", value: streams?.rssAfterMiB }], true);
  add("idle connection < 100 KiB", 100, [
    { label: "server KiB", value: memory("idle-connections", "server")?.perItemKiB },
    { label: "client KiB", value: memory("idle-connections", "client")?.perItemKiB },
  ], true);
  // Issue 18: every core. On N cores, N workers should serve ≥ 0.95 × N times one process, and
  // ≥ 0.75 × what grpc-go's server does with all of them (h2load, 4 connections × 32).
  const cluster = report.multicore.find((r) => r.client === "h2load" && r.server === "h2grpc" && r.workers > 1 && r.isReusePort !== true);
  if (cluster !== undefined) {
    const least = 0.95 * cluster.workers;
    add(`server on ${cluster.workers} workers ≥ ${least.toFixed(2)} × one process (h2load)`, least, [{ label: "×", value: cluster.vsOneProcess }]);
    add(`server on ${cluster.workers} workers ≥ 0.75 × grpc-go (h2load)`, 0.75, [{ label: "×", value: cluster.vsGrpcGo }]);
  }
  return checks.filter((check) => check.measured !== "not measured");
}

function crossCheck(target: string, measurements: readonly Measurement[]): TargetCheck {
  const measured = measurements.filter((m) => m.value !== undefined && Number.isFinite(m.value));
  return { target, measured: measured.map((m) => `${m.label} ${(m.value as number).toFixed(2)}`).join(", ") || "not measured", holds: undefined };
}

/** Renders the checks as an aligned list: "holds", "MISSED" or blank (informational). */
export function formatTargets(checks: readonly TargetCheck[]): string[] {
  const width = Math.max(...checks.map((c) => c.target.length));
  return checks.map((c) => `  ${c.holds === undefined ? "      " : c.holds ? "holds " : "MISSED"}  ${c.target.padEnd(width)}  ${c.measured}`);
}
