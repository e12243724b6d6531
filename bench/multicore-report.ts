import { MULTICORE_CLIENT, MULTICORE_H2LOAD, type MulticoreRuns } from "./multicore-plan.js";
import { median, summarize, type Summary } from "./stats.js";

/** One row of the multi-core table: its runs summarized, with the ratios that matter for it. */
export interface MulticoreRow extends Omit<MulticoreRuns, "runs"> {
  readonly rate: Summary;
  /** Median CPU µs per call of every process of the server together. */
  readonly serverCpuUs: number;
  /** Median cores the server kept busy (CPU seconds per second). */
  readonly serverCores: number;
  /** h2load rows: rate ÷ h2grpc in one process. */
  readonly vsOneProcess?: number;
  /** h2load rows: rate ÷ grpc-go's server. */
  readonly vsGrpcGo?: number;
  /** h2grpc client rows: rate ÷ the client with one connection. */
  readonly vsOneConnection?: number;
}

/** Summarizes the multi-core runs (median, spread) and adds the ratios. */
export function buildMulticoreRows(runs: readonly MulticoreRuns[]): MulticoreRow[] {
  const medianRate = (find: (row: MulticoreRuns) => boolean): number | undefined => {
    const row = runs.find(find);
    return row === undefined || row.runs.length === 0 ? undefined : median(row.runs.map((run) => run.rate));
  };
  const oneProcess = medianRate((row) => row.client === "h2load" && row.server === "h2grpc" && row.workers === 1);
  const grpcGo = medianRate((row) => row.client === "h2load" && row.server === "grpc-go");
  const oneConnection = medianRate((row) => row.client === "h2grpc" && row.connectionsPerAddress === 1);
  return runs
    .filter((row) => row.runs.length > 0)
    .map(({ runs: rowRuns, ...row }) => {
      const rate = summarize(rowRuns.map((run) => run.rate));
      const ratio = (base: number | undefined): number | undefined => (base === undefined ? undefined : rate.median / base);
      return {
        ...row,
        rate,
        serverCpuUs: median(rowRuns.map((run) => run.serverCpuUs)),
        serverCores: median(rowRuns.map((run) => run.serverCores)),
        ...(row.client === "h2load" ? { vsOneProcess: ratio(oneProcess), vsGrpcGo: ratio(grpcGo) } : { vsOneConnection: ratio(oneConnection) }),
      };
    });
}

/** The multi-core table as text. */
export function formatMulticore(rows: readonly MulticoreRow[]): string[] {
  if (rows.length === 0) return [];
  const { connections, inFlight } = MULTICORE_H2LOAD;
  const table = [["client → server", "req/s", "spread", "server cores", "server µs/call", "×1 process", "×grpc-go", "×1 connection"]];
  for (const row of rows) {
    table.push([
      row.label,
      Math.round(row.rate.median).toLocaleString("en-US"),
      `${(row.rate.spread * 100).toFixed(1)}%`,
      row.serverCores.toFixed(2),
      row.serverCpuUs.toFixed(1),
      ratio(row.vsOneProcess),
      ratio(row.vsGrpcGo),
      ratio(row.vsOneConnection),
    ]);
  }
  const widths = (table[0] as string[]).map((_, column) => Math.max(...table.map((cells) => (cells[column] ?? "").length)));
  return [
    "",
    `multicore: small unary calls; h2load: EmptyCall over ${connections} connections × ${inFlight} in flight; ` +
      `the h2grpc client: Bench/Unary, ${MULTICORE_CLIENT.inFlight} in flight [req/s; server CPU of all its processes]`,
    ...table.map((cells) => "  " + cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0] as number) : cell.padStart(widths[column] as number))).join("  ")),
  ];
}

function ratio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "" : value.toFixed(2);
}
