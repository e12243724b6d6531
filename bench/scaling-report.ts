import type { ImplName } from "./clients/bench-client.js";
import type { CurvePoint } from "./scaling-plan.js";
import { CURVE_SCENARIOS, type CurveName } from "./scenarios.js";
import { renderCharts, type Panel } from "./svg-chart.js";

// The scaling curves as text tables (in the report) and as SVG charts (beside its JSON).

/** The colour of each implementation's line. */
const COLORS: Record<ImplName, string> = { raw: "#7f7f7f", "grpc-js": "#e6850e", "connect-node": "#8e44ad", h2grpc: "#1f6fb4" };
const SIDE_NAMES = { server: "server (driven by the raw client)", client: "client (against the raw server)" } as const;

/** "16 B", "4 KiB", "1 MiB" for sizes; "1", "10", "1k", "10k" for counts. */
export function formatX(curve: CurveName, x: number): string {
  if (curve === "scale-size") {
    if (x >= 2 ** 20 && x % 2 ** 20 === 0) return `${x / 2 ** 20} MiB`;
    if (x >= 1024 && x % 1024 === 0) return `${x / 1024} KiB`;
    return `${x} B`;
  }
  return x >= 1000 && x % 1000 === 0 ? `${x / 1000}k` : String(x);
}

/** Text tables: per curve and side, a row per implementation with "CPU µs/call, peak MiB" at each x. */
export function formatCurves(points: readonly CurvePoint[]): string[] {
  const lines: string[] = [];
  for (const curve of CURVE_SCENARIOS) {
    const ofCurve = points.filter((point) => point.curve === curve.name);
    if (ofCurve.length === 0) continue;
    const xs = [...new Set(ofCurve.map((point) => point.x))].sort((a, b) => a - b);
    lines.push("", `${curve.name}: ${curve.description} [CPU µs per call of the measured process / its peak RSS MiB]`);
    for (const side of ["server", "client"] as const) {
      const ofSide = ofCurve.filter((point) => point.side === side);
      if (ofSide.length === 0) continue;
      const table = [[`${side} side`, ...xs.map((x) => formatX(curve.name, x))]];
      for (const impl of [...new Set(ofSide.map((point) => point.impl))]) {
        table.push([impl, ...xs.map((x) => formatCell(ofSide.find((point) => point.impl === impl && point.x === x)))]);
      }
      lines.push(...table.map((row) => "  " + row.map((cell, column) => (column === 0 ? cell.padEnd(14) : cell.padStart(13))).join("")));
    }
    const failures = ofCurve.filter((point) => point.error !== undefined);
    for (const point of failures) lines.push(`  failed: ${point.side} ${point.impl} at ${formatX(curve.name, point.x)}: ${point.error}`);
  }
  return lines;
}

function formatCell(point: CurvePoint | undefined): string {
  if (point === undefined) return "";
  if (point.error !== undefined) return "failed";
  const cpu = point.cpuUs === undefined ? "?" : point.cpuUs >= 100 ? point.cpuUs.toFixed(0) : point.cpuUs.toFixed(1);
  return `${cpu} / ${point.peakRssMiB?.toFixed(0) ?? "?"}`;
}

/** One SVG per curve with points: CPU per call and peak RSS, server side and client side. */
export function renderCurveCharts(points: readonly CurvePoint[]): Map<string, string> {
  const charts = new Map<string, string>();
  for (const curve of CURVE_SCENARIOS) {
    const ofCurve = points.filter((point) => point.curve === curve.name);
    if (ofCurve.length === 0) continue;
    const xs = [...new Set(ofCurve.map((point) => point.x))].sort((a, b) => a - b);
    const xTicks = xs.map((x) => ({ x, label: formatX(curve.name, x) }));
    const panels: Panel[] = [];
    for (const side of ["server", "client"] as const) {
      const ofSide = ofCurve.filter((point) => point.side === side);
      if (ofSide.length === 0) continue;
      const impls = [...new Set(ofSide.map((point) => point.impl))];
      const seriesOf = (value: (point: CurvePoint) => number | undefined) =>
        impls.map((impl) => ({
          name: impl,
          color: COLORS[impl],
          points: xs.map((x) => {
            const point = ofSide.find((p) => p.impl === impl && p.x === x);
            return { x, y: point === undefined || point.error !== undefined ? undefined : value(point) };
          }),
        }));
      panels.push(
        { title: `${SIDE_NAMES[side]}: CPU per call`, yLabel: "µs per call (log)", isYLog: true, xTicks, xLabel: curve.xLabel, series: seriesOf((p) => p.cpuUs) },
        { title: `${SIDE_NAMES[side]}: peak RSS`, yLabel: "MiB", isYLog: false, xTicks, xLabel: curve.xLabel, series: seriesOf((p) => p.peakRssMiB) },
      );
    }
    charts.set(`${curve.name}.svg`, renderCharts(`${curve.name}: ${curve.description}`, panels));
  }
  return charts;
}
