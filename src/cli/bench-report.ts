// h2grpc bench's report, in ghz's shapes (printer/template.go and runner/reporter.go): the
// summary (count, total, slowest, fastest, average, requests/sec), a ten-bucket histogram, the
// latency distribution, and calls by status and by error; or the same as JSON (--format json).
import type { LoadResult } from "./bench-load.js";

/** One histogram bucket: calls with latency up to `markMs` (and above the previous mark). */
export interface HistogramBucket {
  readonly markMs: number;
  readonly count: number;
}

/** The merged measurements of every thread. */
export interface BenchReport {
  /** Calls made in the measured phase, failed ones included. */
  readonly count: number;
  readonly totalMs: number;
  /** Calls per second over the measured phase. */
  readonly rps: number;
  /** Latency statistics of the successful calls, in ms (0 when none succeeded). */
  readonly fastestMs: number;
  readonly averageMs: number;
  readonly slowestMs: number;
  readonly percentilesMs: ReadonlyArray<readonly [percentage: number, latencyMs: number]>;
  readonly histogram: readonly HistogramBucket[];
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
}

const PERCENTAGES = [10, 25, 50, 75, 90, 95, 99];
const BUCKETS = 10;

/** Merges the threads' results into one report. */
export function buildReport(results: readonly LoadResult[]): BenchReport {
  const latencies = new Float64Array(results.reduce((sum, result) => sum + result.latenciesUs.length, 0));
  let offset = 0;
  for (const result of results) {
    latencies.set(result.latenciesUs, offset);
    offset += result.latenciesUs.length;
  }
  latencies.sort();
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const result of results) {
    for (const [status, n] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    for (const [error, n] of Object.entries(result.errors)) errors[error] = (errors[error] ?? 0) + n;
  }
  const count = Object.values(statuses).reduce((sum, n) => sum + n, 0);
  const startMs = Math.min(...results.map((result) => result.startMs));
  const endMs = Math.max(...results.map((result) => result.endMs));
  const totalMs = Math.max(endMs - startMs, 0);
  const ms = (us: number | undefined): number => (us ?? 0) / 1000;
  let sum = 0;
  for (const latency of latencies) sum += latency;
  return {
    count,
    totalMs,
    rps: totalMs > 0 ? (count * 1000) / totalMs : 0,
    fastestMs: ms(latencies[0]),
    averageMs: latencies.length > 0 ? ms(sum / latencies.length) : 0,
    slowestMs: ms(latencies[latencies.length - 1]),
    percentilesMs: PERCENTAGES.map((percentage) => [percentage, ms(latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * percentage) / 100))])] as const),
    histogram: histogram(latencies),
    statuses,
    errors,
  };
}

// ghz runner/reporter.go histogram: BUCKETS equal steps from the fastest to the slowest call.
function histogram(sortedUs: Float64Array): HistogramBucket[] {
  if (sortedUs.length === 0) return [];
  const [fastest, slowest] = [sortedUs[0] as number, sortedUs[sortedUs.length - 1] as number];
  const step = (slowest - fastest) / BUCKETS;
  const marks = Array.from({ length: BUCKETS + 1 }, (_, i) => (i === BUCKETS ? slowest : fastest + step * i));
  const counts = new Array<number>(marks.length).fill(0);
  let bucket = 0;
  for (const latency of sortedUs) {
    while (bucket < marks.length - 1 && latency > (marks[bucket] as number)) bucket++;
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return marks.map((markUs, i) => ({ markMs: markUs / 1000, count: counts[i] ?? 0 }));
}

/** The report as ghz's summary prints it. */
export function summaryText(report: BenchReport): string {
  const lines = [
    "",
    "Summary:",
    `  Count:\t${report.count}`,
    `  Total:\t${formatDuration(report.totalMs)}`,
    `  Slowest:\t${formatDuration(report.slowestMs)}`,
    `  Fastest:\t${formatDuration(report.fastestMs)}`,
    `  Average:\t${formatDuration(report.averageMs)}`,
    `  Requests/sec:\t${report.rps.toFixed(2)}`,
    "",
    "Response time histogram:",
    ...histogramLines(report.histogram),
    "",
    "Latency distribution:",
    ...report.percentilesMs.map(([percentage, latencyMs]) => `  ${percentage} % in ${formatDuration(latencyMs)} `),
    "",
  ];
  const statuses = Object.entries(report.statuses).sort(([, a], [, b]) => b - a);
  if (statuses.length > 0) lines.push("Status code distribution:", ...aligned(statuses.map(([status, n]) => [`[${status}]`, `${n} responses`])), "");
  const errors = Object.entries(report.errors).sort(([, a], [, b]) => b - a);
  if (errors.length > 0) lines.push("Error distribution:", ...aligned(errors.map(([error, n]) => [`[${n}]`, error])), "");
  return `${lines.join("\n")}\n`;
}

/** The report as JSON, with ghz's field names (durations in ns, histogram marks in s). */
export function reportJson(report: BenchReport, options: Readonly<Record<string, unknown>>): string {
  const ns = (ms: number): number => Math.round(ms * 1e6);
  return `${JSON.stringify(
    {
      date: new Date().toISOString(),
      options,
      count: report.count,
      total: ns(report.totalMs),
      average: ns(report.averageMs),
      fastest: ns(report.fastestMs),
      slowest: ns(report.slowestMs),
      rps: report.rps,
      errorDistribution: report.errors,
      statusCodeDistribution: report.statuses,
      latencyDistribution: report.percentilesMs.map(([percentage, latencyMs]) => ({ percentage, latency: ns(latencyMs) })),
      histogram: report.histogram.map(({ markMs, count }) => ({ mark: markMs / 1000, count, frequency: report.count > 0 ? count / report.count : 0 })),
    },
    null,
    2,
  )}\n`;
}

// ghz printer.go formatNanoUnit: ns below 10 µs, then ms, then s, two decimals.
function formatDuration(ms: number): string {
  if (ms * 1e6 < 10_000) return `${Math.round(ms * 1e6)} ns`;
  return ms < 1000 ? `${ms.toFixed(2)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

// ghz printer.go histogram: "  mark [count] |∎∎∎", bars scaled to 40 for the fullest bucket.
function histogramLines(buckets: readonly HistogramBucket[]): string[] {
  const maxCount = Math.max(0, ...buckets.map((bucket) => bucket.count));
  const marks = buckets.map((bucket) => bucket.markMs.toFixed(3));
  const counts = buckets.map((bucket) => String(bucket.count));
  const [markWidth, countWidth] = [Math.max(0, ...marks.map((m) => m.length)), Math.max(0, ...counts.map((c) => c.length))];
  return buckets.map((bucket, i) => {
    const bar = maxCount > 0 ? Math.floor((bucket.count * 40 + maxCount / 2) / maxCount) : 0;
    return `  ${(marks[i] as string).padEnd(markWidth)} [${counts[i] as string}]${" ".repeat(countWidth - (counts[i] as string).length)} |${"∎".repeat(bar)}`;
  });
}

// A tabwriter with padding 3, as ghz aligns its distributions.
function aligned(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([first]) => first.length)) + 3;
  return rows.map(([first, second]) => `  ${first.padEnd(width)}${second}   `);
}
