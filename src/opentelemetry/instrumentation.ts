import {
  context,
  metrics,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type MeterProvider,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  type TracerProvider,
} from "@opentelemetry/api";
import type { GrpcError } from "../grpc-error.js";
import type { Metadata } from "../metadata.js";
import { Status } from "../status.js";
import type { CallObserver, ClientAttemptObservation, ClientCallObservation, ServerCallObservation } from "../telemetry/call-observer.js";
import { addCallObserver } from "../telemetry/observers.js";
import { VERSION } from "../version.js";
import { createGrpcMetrics, type GrpcMetrics } from "./grpc-metrics.js";

/** Where the instrumentation gets its tracer and meter; the globally registered ones by default. */
export interface OpenTelemetryOptions {
  readonly tracerProvider?: TracerProvider;
  readonly meterProvider?: MeterProvider;
}

const INSTRUMENTATION_NAME = "h2grpc";

/**
 * Instruments every h2grpc client and server call of this process with OpenTelemetry: spans
 * following the RPC semantic conventions, with W3C trace context carried in metadata by the
 * globally configured propagator (so a trace crosses h2grpc, grpc-go and grpc-js services), and
 * the metrics of gRFC A66. Returns a function that turns it off. The SDK (exporters, sampling,
 * the context manager) stays the application's choice.
 */
export function instrumentOpenTelemetry(options: OpenTelemetryOptions = {}): () => void {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME, VERSION);
  const grpcMetrics = createGrpcMetrics((options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME, VERSION));
  const observer: CallObserver = {
    onClientCall(info): ClientCallObservation {
      const { service, method } = splitPath(info.path);
      const parent = context.active();
      const span = tracer.startSpan(`${service}/${method}`, { kind: SpanKind.CLIENT, attributes: rpcAttributes(service, method, info.target) }, parent);
      propagation.inject(trace.setSpan(parent, span), info.metadata, METADATA_SETTER);
      const metricAttributes = { "grpc.method": methodName(info.path), "grpc.target": info.target };
      const startedAt = performance.now();
      return {
        onAttemptStart: (attempt) => clientAttempt(grpcMetrics, metricAttributes, attempt.address, span),
        onEnd(error) {
          grpcMetrics.clientCallDuration.record(secondsSince(startedAt), { ...metricAttributes, "grpc.status": statusName(error) });
          endSpan(span, error, isClientError);
        },
      };
    },

    onServerCall(info): ServerCallObservation {
      const { service, method } = splitPath(info.path);
      const parent = propagation.extract(ROOT_CONTEXT, info.metadata, METADATA_GETTER);
      const span = tracer.startSpan(`${service}/${method}`, { kind: SpanKind.SERVER, attributes: { ...rpcAttributes(service, method, undefined), "client.address": info.peer } }, parent);
      const active = trace.setSpan(parent, span);
      // gRFC A66: methods the server does not know are recorded as "other" (unbounded cardinality otherwise).
      const metricAttributes = { "grpc.method": info.isRegistered ? methodName(info.path) : "other" };
      grpcMetrics.serverCallStarted.add(1, metricAttributes);
      const startedAt = performance.now();
      let sent = 0;
      let received = 0;
      return {
        runInScope: (run) => context.with(active, run),
        onMessageSent(bytes) {
          sent += bytes;
        },
        onMessageReceived(bytes) {
          received += bytes;
        },
        onEnd(error) {
          const attributes = { ...metricAttributes, "grpc.status": statusName(error) };
          grpcMetrics.serverCallDuration.record(secondsSince(startedAt), attributes);
          grpcMetrics.serverSentTotalCompressedMessageSize.record(sent, attributes);
          grpcMetrics.serverRcvdTotalCompressedMessageSize.record(received, attributes);
          endSpan(span, error, isServerError);
        },
      };
    },
  };
  return addCallObserver(observer);
}

function clientAttempt(grpcMetrics: GrpcMetrics, attributes: Attributes, address: string, span: Span): ClientAttemptObservation {
  grpcMetrics.clientAttemptStarted.add(1, attributes);
  const { host, port } = splitAddress(address);
  span.setAttribute("server.address", host);
  if (port !== undefined) span.setAttribute("server.port", port);
  const startedAt = performance.now();
  let sent = 0;
  let received = 0;
  return {
    onMessageSent(bytes) {
      sent += bytes;
    },
    onMessageReceived(bytes) {
      received += bytes;
    },
    onEnd(error) {
      const withStatus = { ...attributes, "grpc.status": statusName(error) };
      grpcMetrics.clientAttemptDuration.record(secondsSince(startedAt), withStatus);
      grpcMetrics.clientAttemptSentTotalCompressedMessageSize.record(sent, withStatus);
      grpcMetrics.clientAttemptRcvdTotalCompressedMessageSize.record(received, withStatus);
    },
  };
}

// OpenTelemetry RPC semantic conventions: rpc.system, rpc.service, rpc.method.
function rpcAttributes(service: string, method: string, target: string | undefined): Attributes {
  const attributes: Attributes = { "rpc.system": "grpc", "rpc.service": service, "rpc.method": method };
  if (target !== undefined) attributes["rpc.grpc.target"] = target;
  return attributes;
}

// Semantic conventions for gRPC spans: a client span is an error for every non-OK status; a server
// span only for the statuses that mean the server failed (UNKNOWN, DEADLINE_EXCEEDED,
// UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS), not for what the client got wrong.
const SERVER_ERROR_CODES: ReadonlySet<Status> = new Set([
  Status.UNKNOWN,
  Status.DEADLINE_EXCEEDED,
  Status.UNIMPLEMENTED,
  Status.INTERNAL,
  Status.UNAVAILABLE,
  Status.DATA_LOSS,
]);

function isClientError(error: GrpcError): boolean {
  return error.code !== Status.OK;
}

function isServerError(error: GrpcError): boolean {
  return SERVER_ERROR_CODES.has(error.code);
}

function endSpan(span: Span, error: GrpcError | undefined, isError: (error: GrpcError) => boolean): void {
  span.setAttribute("rpc.grpc.status_code", error === undefined ? Status.OK : error.code);
  if (error !== undefined && isError(error)) span.setStatus({ code: SpanStatusCode.ERROR, message: error.details });
  span.end();
}

/** "/pkg.Service/Method" → "pkg.Service" and "Method". */
function splitPath(path: string): { service: string; method: string } {
  const slash = path.lastIndexOf("/");
  return { service: path.slice(1, slash), method: path.slice(slash + 1) };
}

/** gRFC A66's grpc.method: the path without its leading slash. */
function methodName(path: string): string {
  return path.startsWith("/") ? path.slice(1) : path;
}

function statusName(error: GrpcError | undefined): string {
  return Status[error === undefined ? Status.OK : error.code] ?? String(error?.code);
}

function splitAddress(address: string): { host: string; port: number | undefined } {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  return match === null ? { host: address, port: undefined } : { host: match[1] as string, port: Number(match[2]) };
}

function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

// Trace context travels as metadata: "traceparent" and "tracestate" are ordinary ASCII keys.
const METADATA_SETTER: TextMapSetter<Metadata> = {
  set(carrier, key, value) {
    carrier.set(key.toLowerCase(), value);
  },
};

const METADATA_GETTER: TextMapGetter<Metadata> = {
  keys: (carrier) => Object.keys(carrier.toJSON()),
  get(carrier, key) {
    const value = carrier.get(key.toLowerCase());
    return typeof value === "string" ? value : undefined;
  },
};
