// h2grpc bench: a ghz-like load generator for unary methods. The method and request come from
// reflection or -proto files, like call; the load runs on worker threads (--cpus), each with its
// own connections (an HTTP/2 connection belongs to one thread), and ends with ghz's summary.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Type } from "protobufjs";
import type { CommandIo } from "./command-io.js";
import { CommandFailure, CONNECTION_FLAGS, CONNECTION_HELP, connectionSettings, dial, type ConnectionSettings } from "./connection.js";
import { fileSource, reflectionSource, SymbolNotFound } from "./descriptor-source.js";
import { booleanFlag, durationFlag, listFlag, parseGoFlags, stringFlag, UsageError, type FlagSpecs, type FlagValues } from "./go-flags.js";
import { reportFailure } from "./grpcurl-command.js";
import { runLoad, type LoadPlan, type LoadResult } from "./bench-load.js";
import { buildReport, reportJson, summaryText } from "./bench-report.js";
import type { WorkerMessage } from "./bench-worker.js";
import { metadataFromHeaders } from "./request-headers.js";
import { readRequests } from "./request-reader.js";

const FLAGS: FlagSpecs = {
  ...CONNECTION_FLAGS,
  concurrency: { type: "string", short: "c" },
  connections: { type: "string" },
  total: { type: "string", short: "n" },
  duration: { type: "string", short: "z" },
  rps: { type: "string", short: "r" },
  data: { type: "string", short: "d" },
  H: { type: "string", multiple: true },
  "reflect-header": { type: "string", multiple: true },
  warmup: { type: "string" },
  timeout: { type: "string", short: "t" },
  cpus: { type: "string" },
  format: { type: "string", short: "O" },
  proto: { type: "string", multiple: true },
  "import-path": { type: "string", multiple: true },
  protoset: { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
};

const HELP = `usage: h2grpc bench [flags] <address> <service/method>

Load-tests a unary method, in the spirit of ghz: -c calls in flight, each starting the next as it
ends, until -n calls completed or -z passed; then a summary (count, requests/sec, latency
fastest/average/slowest and percentiles, a histogram, calls by status and by error).
The request is encoded once (-d, JSON as for call); replies are counted, not decoded.

  -c, --concurrency <n>  calls in flight (default 50)
  --connections <n>      HTTP/2 connections, shared out among the threads (default 1)
  --cpus <n>             worker threads; each needs a connection of its own, so at most
                         --connections are used (default: the number of CPUs)
  -n, --total <n>        calls to make (default 200)
  -z, --duration <d>     run for this long instead ("10s", "1m"); -n is then ignored
  -r, --rps <n>          start at most n calls per second (default: no limit)
  --warmup <d>           run this long first without measuring (default 0s)
  -t, --timeout <d>      deadline of each call (default none: a deadline costs a timer per call;
                         calls still unanswered 10s after the run ends are cancelled)
  -d, --data <json>      the request (default {}); @ reads it from stdin
  -H 'name: value'       request metadata (repeatable)
  -O, --format <f>       summary (default) or json
  -proto, -import-path, -protoset, -reflect-header   as for call, when the server has no reflection
${CONNECTION_HELP}`;

/** Runs a bench; resolves with the exit status (0 once the load ran, whatever the calls' statuses). Never rejects. */
export async function runBench(argv: readonly string[], io: CommandIo): Promise<number> {
  try {
    const { values, positionals } = parseGoFlags(argv, FLAGS);
    if (booleanFlag(values, "help")) {
      io.stdout(HELP);
      return 0;
    }
    const options = benchOptions(values, positionals);
    const settings = connectionSettings(values);
    for (const warning of settings.warnings) io.stderr(`Warning: ${warning}\n`);
    const { path, request } = await prepareRequest(options, settings, values, io);
    const plans = splitPlan(options, settings, path, request, values);
    const results = await runPlans(plans, options, io);
    const report = buildReport(results);
    io.stdout(options.format === "json" ? reportJson(report, { call: options.method, host: options.address, ...jsonOptions(options, plans.length) }) : summaryText(report));
    return 0;
  } catch (error) {
    return reportFailure(error, "h2grpc bench", io);
  }
}

interface BenchOptions {
  readonly address: string;
  readonly method: string;
  readonly concurrency: number;
  readonly connections: number;
  readonly cpus: number;
  readonly total: number;
  readonly durationMs: number | undefined;
  readonly rps: number;
  readonly warmupMs: number;
  readonly timeoutMs: number | undefined;
  readonly format: "summary" | "json";
}

function benchOptions(values: FlagValues, positionals: readonly string[]): BenchOptions {
  const [address, method, ...extra] = positionals;
  if (address === undefined || method === undefined) throw new UsageError("bench needs an address and a method: h2grpc bench [flags] <address> <service/method>");
  if (extra.length > 0) throw new UsageError("Too many arguments.");
  const count = (name: string, fallback: number, min: number): number => {
    const text = stringFlag(values, name);
    const value = text === "" ? fallback : Number(text);
    if (!Number.isInteger(value) || value < min) throw new UsageError(`-${name} must be an integer of at least ${min}, got ${JSON.stringify(text)}`);
    return value;
  };
  const concurrency = count("concurrency", 50, 1);
  const connections = count("connections", 1, 1);
  if (connections > concurrency) throw new UsageError(`--connections (${connections}) cannot be more than -c (${concurrency}): a connection with no call in flight adds nothing`);
  const format = stringFlag(values, "format", "summary");
  if (format !== "summary" && format !== "json") throw new UsageError(`--format must be summary or json, got ${JSON.stringify(format)}`);
  const timeoutMs = durationFlag(values, "timeout") ?? 0;
  return {
    address,
    method,
    concurrency,
    connections,
    cpus: count("cpus", availableParallelism(), 1),
    total: count("total", 200, 1),
    durationMs: durationFlag(values, "duration") || undefined,
    rps: count("rps", 0, 0),
    warmupMs: durationFlag(values, "warmup") ?? 0,
    timeoutMs: timeoutMs === 0 ? undefined : timeoutMs,
    format,
  };
}

/** Resolves the method (it must be unary) and encodes the request once. */
async function prepareRequest(options: BenchOptions, settings: ConnectionSettings, values: FlagValues, io: CommandIo): Promise<{ path: string; request: Uint8Array }> {
  const channel = await dial(options.address, settings);
  const [protoFiles, protosets] = [listFlag(values, "proto"), listFlag(values, "protoset")];
  const source =
    protoFiles.length > 0 || protosets.length > 0
      ? fileSource(protoFiles, listFlag(values, "import-path"), protosets)
      : reflectionSource(channel, metadataFromHeaders([...listFlag(values, "H"), ...listFlag(values, "reflect-header")]), undefined);
  try {
    const slash = options.method.lastIndexOf("/") >= 0 ? options.method.lastIndexOf("/") : options.method.lastIndexOf(".");
    const [serviceName, methodName] = [options.method.slice(0, Math.max(slash, 0)), options.method.slice(slash + 1)];
    const service = await source.findSymbol(serviceName).catch((error: unknown) => {
      throw error instanceof SymbolNotFound ? new CommandFailure(`target server does not expose service ${JSON.stringify(serviceName)}`) : error;
    });
    const method = service.kind === "service" ? service.service.method.find((candidate) => candidate.name === methodName) : undefined;
    if (method === undefined) throw new CommandFailure(`service ${JSON.stringify(serviceName)} does not include a method named ${JSON.stringify(methodName)}`);
    if (method.clientStreaming === true || method.serverStreaming === true) throw new CommandFailure(`bench runs unary methods; ${options.method} is a streaming method`);
    const requestType = source.root().lookupType(method.inputType ?? "") as Type;
    const data = stringFlag(values, "data");
    const messages = readRequests(requestType, { data: data === "" ? "{}" : data, format: "json", allowUnknownFields: false, stdin: io.stdin }, source, { count: 0 });
    let request: Uint8Array | undefined;
    try {
      for await (const message of messages) request ??= requestType.encode(message).finish();
    } catch (error) {
      throw new CommandFailure(`cannot read the request data: ${(error as Error).message}`);
    }
    return { path: `/${serviceName}/${methodName}`, request: request ?? new Uint8Array() };
  } finally {
    source.close();
    channel.close();
  }
}

/** Splits concurrency, connections, calls and rate evenly over the threads (as many as there are CPUs and connections). */
function splitPlan(options: BenchOptions, settings: ConnectionSettings, path: string, request: Uint8Array, values: FlagValues): LoadPlan[] {
  const threads = Math.min(options.cpus, options.connections);
  const share = (total: number, index: number): number => Math.floor(total / threads) + (index < total % threads ? 1 : 0);
  const metadata = [...metadataFromHeaders(listFlag(values, "H"))];
  return Array.from({ length: threads }, (_, index) => ({
    target: options.address,
    channelOptions: settings.channelOptions,
    path,
    request,
    metadata,
    concurrency: share(options.concurrency, index),
    connections: share(options.connections, index),
    total: share(options.total, index),
    durationMs: options.durationMs,
    rps: options.rps === 0 ? 0 : options.rps / threads,
    warmupMs: options.warmupMs,
    timeoutMs: options.timeoutMs,
  }));
}

/** Runs one plan in this thread, or each on a worker thread; draws the progress bar on a terminal. */
async function runPlans(plans: readonly LoadPlan[], options: BenchOptions, io: CommandIo): Promise<LoadResult[]> {
  const done = plans.map(() => 0);
  const progress = io.isTerminal ? startProgressBar(options, () => done.reduce((sum, n) => sum + n, 0), io.stderr) : undefined;
  try {
    if (plans.length === 1) return [await runLoad(plans[0] as LoadPlan, (count) => (done[0] = count))];
    return await Promise.all(plans.map((plan, index) => runWorker(plan, (count) => (done[index] = count))));
  } finally {
    progress?.();
  }
}

function runWorker(plan: LoadPlan, onProgress: (done: number) => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./bench-worker.js", import.meta.url), { workerData: plan });
    let result: LoadResult | undefined;
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "progress") onProgress(message.done);
      else if (message.type === "result") result = message.result;
      else reject(new CommandFailure(`bench worker failed: ${message.message}`));
    });
    worker.once("error", (error) => reject(new CommandFailure(`bench worker failed: ${error.message}`)));
    worker.once("exit", () => (result === undefined ? reject(new CommandFailure("bench worker exited without a result")) : resolve(result)));
  });
}

/** Redraws "[=====>    ] 45%  900/2000" every 100 ms on stderr; the returned function erases it. */
function startProgressBar(options: BenchOptions, done: () => number, write: (text: string) => void): () => void {
  const startMs = performance.now();
  const width = 40;
  const draw = (): void => {
    const fraction =
      options.durationMs !== undefined
        ? (performance.now() - startMs - options.warmupMs) / options.durationMs
        : done() / options.total;
    const filled = Math.round(Math.min(Math.max(fraction, 0), 1) * width);
    const detail = options.durationMs !== undefined ? `${done()} calls` : `${done()}/${options.total}`;
    write(`\r[${"=".repeat(filled)}${filled < width ? ">" : ""}${" ".repeat(Math.max(width - filled - 1, 0))}] ${Math.round(Math.min(Math.max(fraction, 0), 1) * 100)}%  ${detail} `);
  };
  const timer = setInterval(draw, 100);
  return () => {
    clearInterval(timer);
    write(`\r${" ".repeat(width + 30)}\r`);
  };
}

function jsonOptions(options: BenchOptions, threads: number): Record<string, unknown> {
  return {
    concurrency: options.concurrency,
    connections: options.connections,
    CPUs: threads,
    total: options.durationMs === undefined ? options.total : undefined,
    duration: options.durationMs === undefined ? undefined : Math.round(options.durationMs * 1e6),
    rps: options.rps || undefined,
    timeout: options.timeoutMs === undefined ? undefined : Math.round(options.timeoutMs * 1e6),
  };
}
