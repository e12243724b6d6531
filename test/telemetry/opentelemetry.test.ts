// #15: h2grpc instrumented with the real OpenTelemetry SDK (in-memory exporters): one connected
// trace across an h2grpc client and server, the RPC semantic-convention attributes and statuses
// for OK, an error, a deadline and a cancellation, a trace continued from a grpc-js client that
// sends traceparent, and the metrics of gRFC A66.
import * as grpc from "@grpc/grpc-js";
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { GrpcError } from "../../src/grpc-error.js";
import { instrumentOpenTelemetry } from "../../src/opentelemetry/index.js";
import { Status } from "../../src/status.js";
import { Echo } from "../helpers/echo.js";
import { EchoClient } from "../helpers/grpc-js-peer.js";
import { startEchoServer, type StartedServer } from "../helpers/start-server.js";

const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
const meterProvider = new MeterProvider({ readers: [metricReader] });

let stopInstrumenting: () => void;
let server: StartedServer;
let handlerSawSpan: string | undefined;
let onHandlerWaiting: (() => void) | undefined;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  stopInstrumenting = instrumentOpenTelemetry({ tracerProvider, meterProvider });
  server = await startEchoServer({
    async unary(request, ctx) {
      // The handler runs inside the server span's context (the instrumentation's scope).
      handlerSawSpan = trace.getSpan(context.active())?.spanContext().spanId;
      if (request.message === "fail") throw new GrpcError(Status.INVALID_ARGUMENT, "bad request");
      if (request.message === "slow" || request.message === "hang") {
        onHandlerWaiting?.();
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      }
      return { message: request.message };
    },
  });
});

afterAll(async () => {
  stopInstrumenting();
  await server.close();
  await meterProvider.shutdown();
  context.disable();
  propagation.disable();
});

beforeEach(() => {
  spans.reset();
  handlerSawSpan = undefined;
});

function spanOf(kind: "client" | "server"): ReadableSpan {
  const found = spans.getFinishedSpans().find((span) => span.kind === (kind === "client" ? 2 : 1));
  if (found === undefined) throw new Error(`no ${kind} span among ${spans.getFinishedSpans().length}`);
  return found;
}

async function waitForSpans(count: number): Promise<void> {
  for (let i = 0; i < 2_000 && spans.getFinishedSpans().length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** A client already connected (its first call's spans dropped), so a short deadline is spent on the call itself, not on connecting. */
async function connectedClient() {
  const client = createClient(Echo, { address: server.address });
  await client.unary({ message: "warm-up" });
  await waitForSpans(2);
  spans.reset();
  return client;
}

describe("#15 OpenTelemetry spans", () => {
  it("an OK call gives one trace: a client span and its server child, with the RPC attributes", async () => {
    const client = createClient(Echo, { address: server.address });
    try {
      await client.unary({ message: "hi" });
    } finally {
      closeClient(client);
    }
    await waitForSpans(2);
    const clientSpan = spanOf("client");
    const serverSpan = spanOf("server");
    expect(serverSpan.spanContext().traceId).toBe(clientSpan.spanContext().traceId);
    expect(serverSpan.parentSpanContext?.spanId).toBe(clientSpan.spanContext().spanId);
    expect(handlerSawSpan).toBe(serverSpan.spanContext().spanId);
    for (const span of [clientSpan, serverSpan]) {
      expect(span.name).toBe("h2grpc.test.Echo/Unary");
      expect(span.attributes).toMatchObject({ "rpc.system": "grpc", "rpc.service": "h2grpc.test.Echo", "rpc.method": "Unary", "rpc.grpc.status_code": 0 });
      expect(span.status.code).toBe(0);
    }
    expect(clientSpan.attributes).toMatchObject({ "server.address": "127.0.0.1", "server.port": server.port });
  });

  it("an INVALID_ARGUMENT from the handler is an error on the client span only, as the conventions say", async () => {
    const client = createClient(Echo, { address: server.address });
    try {
      await expect(client.unary({ message: "fail" })).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT });
    } finally {
      closeClient(client);
    }
    await waitForSpans(2);
    expect(spanOf("client").status).toMatchObject({ code: 2, message: "bad request" });
    expect(spanOf("client").attributes["rpc.grpc.status_code"]).toBe(Status.INVALID_ARGUMENT);
    expect(spanOf("server").status.code).toBe(0);
    expect(spanOf("server").attributes["rpc.grpc.status_code"]).toBe(Status.INVALID_ARGUMENT);
  });

  it("a deadline is DEADLINE_EXCEEDED and an error on both spans", async () => {
    const client = await connectedClient();
    try {
      await expect(client.unary({ message: "slow" }, { timeoutMs: 100 })).rejects.toMatchObject({ code: Status.DEADLINE_EXCEEDED });
    } finally {
      closeClient(client);
    }
    await waitForSpans(2);
    for (const span of [spanOf("client"), spanOf("server")]) {
      expect(span.attributes["rpc.grpc.status_code"]).toBe(Status.DEADLINE_EXCEEDED);
      expect(span.status.code).toBe(2);
    }
  });

  it("a cancellation is CANCELLED on both spans", async () => {
    const client = await connectedClient();
    const controller = new AbortController();
    try {
      const waiting = new Promise<void>((resolve) => (onHandlerWaiting = resolve));
      const call = client.unary({ message: "hang" }, { signal: controller.signal });
      await waiting; // cancelled once the server runs it, so both sides have a span
      controller.abort();
      await expect(call).rejects.toMatchObject({ code: Status.CANCELLED });
    } finally {
      closeClient(client);
    }
    await waitForSpans(2);
    expect(spanOf("client").attributes["rpc.grpc.status_code"]).toBe(Status.CANCELLED);
    expect(spanOf("server").attributes["rpc.grpc.status_code"]).toBe(Status.CANCELLED);
  });

  it("continues a trace from a grpc-js client that sends traceparent", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentId = "00f067aa0ba902b7";
    const metadata = new grpc.Metadata();
    metadata.set("traceparent", `00-${traceId}-${parentId}-01`);
    const peer = new EchoClient(server.address);
    try {
      await peer.unary({ message: "from grpc-js" }, { metadata });
    } finally {
      peer.close();
    }
    await waitForSpans(1);
    const serverSpan = spanOf("server");
    expect(serverSpan.spanContext().traceId).toBe(traceId);
    expect(serverSpan.parentSpanContext?.spanId).toBe(parentId);
  });
});

describe("#15 gRFC A66 metrics", () => {
  it("records the client attempt and call instruments and the server call instruments, with their units and attributes", async () => {
    const client = createClient(Echo, { address: server.address });
    try {
      await client.unary({ message: "measured" });
    } finally {
      closeClient(client);
    }
    await metricReader.forceFlush();
    const exported = metricExporter.getMetrics().at(-1) as ResourceMetrics;
    const all = exported.scopeMetrics.flatMap((scope) => scope.metrics);
    const byName = new Map(all.map((metric) => [metric.descriptor.name, metric]));
    const expected: [string, string][] = [
      ["grpc.client.attempt.started", "{attempt}"],
      ["grpc.client.attempt.duration", "s"],
      ["grpc.client.attempt.sent_total_compressed_message_size", "By"],
      ["grpc.client.attempt.rcvd_total_compressed_message_size", "By"],
      ["grpc.client.call.duration", "s"],
      ["grpc.server.call.started", "{call}"],
      ["grpc.server.call.duration", "s"],
      ["grpc.server.call.sent_total_compressed_message_size", "By"],
      ["grpc.server.call.rcvd_total_compressed_message_size", "By"],
    ];
    for (const [name, unit] of expected) {
      expect(byName.get(name)?.descriptor.unit, name).toBe(unit);
    }
    const callDuration = byName.get("grpc.client.call.duration")!;
    const point = callDuration.dataPoints.find((p) => p.attributes["grpc.status"] === "OK");
    expect(point?.attributes).toMatchObject({ "grpc.method": "h2grpc.test.Echo/Unary", "grpc.target": server.address, "grpc.status": "OK" });
    const serverStarted = byName.get("grpc.server.call.started")!;
    expect(serverStarted.dataPoints.some((p) => p.attributes["grpc.method"] === "h2grpc.test.Echo/Unary")).toBe(true);
  });
});
