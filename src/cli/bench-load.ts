// The load loop of h2grpc bench, run by each worker thread (or in-process with --cpus=1):
// `concurrency` loops, each starting its next unary call when the previous one ends, over
// `connections` channels, through h2grpc's unary fast path with the request pre-encoded once and
// the replies left undecoded, so that a call costs what the library and node:http2 cost.
import { createChannel, createClient, GrpcError, Metadata, type CallOptions, type Channel, type ChannelOptions, type MethodDefinition } from "../index.js";
import { goCodeName, goErrorText } from "./go-status.js";

/** One thread's share of a bench run; plain data, so it crosses to a worker thread as is. */
export interface LoadPlan {
  readonly target: string;
  readonly channelOptions: ChannelOptions;
  /** The :path, "/pkg.Service/Method". */
  readonly path: string;
  /** The serialized request message, sent for every call. */
  readonly request: Uint8Array;
  readonly metadata: ReadonlyArray<readonly [string, string | Uint8Array]>;
  readonly concurrency: number;
  readonly connections: number;
  /** Calls to complete after the warm-up; ignored when durationMs is set. */
  readonly total: number;
  readonly durationMs: number | undefined;
  /** Calls per second this thread may start (0: no limit). */
  readonly rps: number;
  readonly warmupMs: number;
  readonly timeoutMs: number | undefined;
}

/** What one thread measured after its warm-up. */
export interface LoadResult {
  /** Latency of each successful call, in µs. */
  readonly latenciesUs: Float64Array;
  /** Latency of each failed call, in µs. */
  readonly errorLatenciesUs: Float64Array;
  /** Calls by final status, named as grpc-go names codes ("OK", "Unavailable"). */
  readonly statuses: Record<string, number>;
  /** Failed calls by error text. */
  readonly errors: Record<string, number>;
  /** When the measured phase started and ended (performance.timeOrigin-based epoch ms). */
  readonly startMs: number;
  readonly endMs: number;
}

const DRAIN_LIMIT_MS = 10_000;

/** Growable Float64Array: one allocation per doubling, not per call. */
class Samples {
  #values = new Float64Array(4096);
  #length = 0;

  push(value: number): void {
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length++] = value;
  }

  toArray(): Float64Array {
    return this.#values.slice(0, this.#length);
  }
}

/** Runs the plan: warm-up, then the measured calls; `onProgress` gets the count of measured calls done. Rejects only if a channel cannot be created. */
export async function runLoad(plan: LoadPlan, onProgress?: (done: number) => void): Promise<LoadResult> {
  const channels: Channel[] = Array.from({ length: plan.connections }, () => createChannel(plan.target, plan.channelOptions));
  const call = unaryCalls(channels, plan);
  const metadata = new Metadata();
  for (const [key, value] of plan.metadata) metadata.append(key as `${string}-bin`, value as Uint8Array);
  // No options at all is the cheapest call: no deadline timer, no metadata to copy into headers.
  const callOptions: CallOptions | undefined =
    plan.metadata.length === 0 && plan.timeoutMs === undefined ? undefined : { metadata, ...(plan.timeoutMs !== undefined ? { timeoutMs: plan.timeoutMs } : {}) };

  const latencies = new Samples();
  const errorLatencies = new Samples();
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const warmupEndMs = now() + plan.warmupMs;
  let isWarmingUp = plan.warmupMs > 0;
  let measureStartMs = isWarmingUp ? Infinity : now();
  let endMs = plan.durationMs === undefined || isWarmingUp ? Infinity : measureStartMs + plan.durationMs;
  let started = 0;
  let done = 0;
  const intervalMs = plan.rps > 0 ? 1000 / plan.rps : 0;
  let nextSlotMs = now();

  /** Ends the warm-up once its time has passed; true while it lasts. */
  const warmingUp = (): boolean => {
    if (isWarmingUp && now() >= warmupEndMs) {
      isWarmingUp = false;
      measureStartMs = now();
      if (plan.durationMs !== undefined) endMs = measureStartMs + plan.durationMs;
    }
    return isWarmingUp;
  };
  const mayStart = (): boolean => {
    if (warmingUp()) return true;
    return plan.durationMs !== undefined ? now() < endMs : started < plan.total;
  };

  const loop = async (index: number): Promise<void> => {
    const invoke = call(index);
    while (mayStart()) {
      if (intervalMs > 0) {
        // A constant schedule: call k starts at its slot; a late loop does not try to catch up in a burst.
        const slot = Math.max(nextSlotMs, now() - intervalMs);
        nextSlotMs = slot + intervalMs;
        if (slot > now()) await new Promise((resolve) => setTimeout(resolve, slot - now()));
        if (!mayStart()) break;
      }
      const warmup = warmingUp();
      if (!warmup) started++;
      const start = now();
      let status = "OK";
      try {
        await invoke(callOptions);
      } catch (error) {
        const grpcError = GrpcError.from(error);
        status = goCodeName(grpcError.code);
        if (!warmup) {
          // Details that carry timings ("deadline exceeded after 21 ms, ...") are one kind of error.
          const text = goErrorText(grpcError).replace(/\d+/g, "N");
          errors[text] = (errors[text] ?? 0) + 1;
        }
      }
      if (warmup) continue;
      const latencyUs = (now() - start) * 1000;
      (status === "OK" ? latencies : errorLatencies).push(latencyUs);
      statuses[status] = (statuses[status] ?? 0) + 1;
      onProgress?.(++done);
    }
  };
  // Without per-call deadlines a server that never answers would hold the run forever: once the
  // last loop has stopped starting calls, the rest get DRAIN_LIMIT_MS before the channels close.
  let drainTimer: NodeJS.Timeout | undefined;
  const loops = Array.from({ length: plan.concurrency }, (_, index) => loop(index).finally(() => {
    drainTimer ??= setTimeout(() => channels.forEach((channel) => channel.close()), DRAIN_LIMIT_MS);
  }));
  await Promise.all(loops);
  clearTimeout(drainTimer);
  const lastEndMs = now();
  for (const channel of channels) channel.close();
  return {
    latenciesUs: latencies.toArray(),
    errorLatenciesUs: errorLatencies.toArray(),
    statuses,
    errors,
    startMs: performance.timeOrigin + (measureStartMs === Infinity ? lastEndMs : measureStartMs),
    endMs: performance.timeOrigin + lastEndMs,
  };
}

function now(): number {
  return performance.now();
}

type UnaryInvoke = (options: CallOptions | undefined) => Promise<unknown>;

/** For loop `index`: a unary call on channel index % connections, sending the pre-encoded request. */
function unaryCalls(channels: readonly Channel[], plan: LoadPlan): (index: number) => UnaryInvoke {
  const request = plan.request;
  const definition: MethodDefinition<unknown, unknown> = {
    name: plan.path.slice(plan.path.lastIndexOf("/") + 1),
    localName: "call",
    path: plan.path,
    kind: "unary",
    // The message was encoded once; each call copies it behind room for the frame header.
    requestSerializer: {
      serialize: () => request,
      serializeReserving: (_value, reservedBytes) => {
        const framed = Buffer.allocUnsafe(reservedBytes + request.length);
        framed.set(request, reservedBytes);
        return framed;
      },
      deserialize: (bytes) => bytes,
    },
    // Replies are counted, not read: decoding them is the server's side of the bargain, not the load.
    responseSerializer: { serialize: (value) => value as Uint8Array, deserialize: () => undefined },
    requestType: "",
    responseType: "",
  };
  const service = { typeName: plan.path.slice(1, plan.path.lastIndexOf("/")), methods: { call: definition } };
  const clients = channels.map((channel) => createClient(service, { channel }).call as (request: unknown, options: unknown) => Promise<unknown>);
  return (index) => {
    const invoke = clients[index % clients.length] as (request: unknown, options: unknown) => Promise<unknown>;
    return (options) => invoke(undefined, options);
  };
}
