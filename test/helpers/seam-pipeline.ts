// Test helper: the smallest call pipeline over the transport seam (ServerCallStream), so the
// gRPC-Web and Connect streams, the listener's dispatch and the browser harness can be tested
// end to end on their own: route by path, pick the codec, decode frames, run a handler of any
// kind, frame the replies with backpressure, end with a status. No interceptors, no response
// compression; the deadline is the stream's timeoutMs. src/server's pipeline is the real one.
import { afterEach } from "vitest";
import { compressionFor } from "../../src/codec/compression.js";
import { jsonSerializersOf } from "../../src/codec/json-serializer.js";
import type { AnyMethodDefinition, ServiceDefinition } from "../../src/definition.js";
import { encodeFrame, type Frame } from "../../src/framing/frame.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Metadata } from "../../src/metadata.js";
import { Status } from "../../src/status.js";
import type { CorsOptions } from "../../src/transport/cors.js";
import { CorsPolicy } from "../../src/transport/cors.js";
import type { PlainHttpHandler } from "../../src/transport/plain-http.js";
import type { ServerCallStream } from "../../src/transport/server-call-stream.js";
import { ServerListener } from "../../src/transport/server-listener.js";
import { insecure, type ServerCredentials } from "../../src/transport/tls.js";

/** What a seam handler gets besides its request(s). */
export interface SeamContext {
  readonly metadata: Metadata;
  readonly signal: AbortSignal;
  readonly protocol: string;
  /** The client's timeout, as the stream read it. */
  readonly timeoutMs: number | undefined;
  /** Response headers, sent before the first reply. */
  readonly header: Metadata;
  readonly trailer: Metadata;
}

/** A handler: unary and client streaming return a reply, the streaming kinds an async iterable of replies. */
export type SeamHandler = (request: unknown, context: SeamContext) => unknown;

/** A registered method and its handler. */
export interface SeamRoute {
  readonly method: AnyMethodDefinition;
  readonly handler: SeamHandler;
}

/** Runs one call that arrived on any protocol. */
export function runSeamCall(stream: ServerCallStream, routes: ReadonlyMap<string, SeamRoute>): void {
  const route = routes.get(stream.path);
  if (route === undefined) {
    stream.finish(new GrpcError(Status.UNIMPLEMENTED, `unknown method ${stream.path}`), undefined, undefined);
    return;
  }
  const serializers = stream.codec === "json" ? jsonSerializersOf(route.method) : { request: route.method.requestSerializer, response: route.method.responseSerializer };
  if (serializers === undefined) {
    stream.finish(new GrpcError(Status.INTERNAL, "no JSON serializers"), undefined, undefined);
    return;
  }
  const controller = new AbortController();
  const context: SeamContext = { metadata: stream.metadata, signal: controller.signal, protocol: stream.protocol, timeoutMs: stream.timeoutMs, header: new Metadata(), trailer: new Metadata() };
  const fail = (error: unknown): void => {
    const status = GrpcError.from(error);
    stream.finish(status, context.trailer, context.header);
    controller.abort(status);
  };
  stream.onAbort((reason) => controller.abort(reason));
  let timer: NodeJS.Timeout | undefined;
  if (stream.timeoutMs !== undefined) timer = setTimeout(() => fail(new GrpcError(Status.DEADLINE_EXCEEDED, "deadline exceeded")), stream.timeoutMs);
  controller.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  const requests = new RequestQueue();
  stream.receive({
    onFrame: (frame) => requests.push(decode(frame, stream.requestEncoding).then((bytes) => serializers.request.deserialize(bytes))),
    onEnd: () => requests.end(),
    onError: (error) => controller.abort(error),
  });
  const send = async (reply: unknown): Promise<void> => {
    if (!stream.hasSentHeaders) stream.sendHeaders(context.header, undefined);
    if (!stream.sendFrame(encodeFrame(serializers.response.serialize(reply)))) await stream.drained();
  };
  void (async () => {
    const kind = route.method.kind;
    const input = kind === "unary" || kind === "server_streaming" ? await requests.single() : requests;
    const output = route.handler(input, context);
    if (kind === "unary" || kind === "client_streaming") {
      const reply = await output;
      stream.finish(undefined, context.trailer, context.header, encodeFrame(serializers.response.serialize(reply)));
    } else {
      for await (const reply of output as AsyncIterable<unknown>) {
        if (controller.signal.aborted) return;
        await send(reply);
      }
      stream.finish(undefined, context.trailer, context.header);
    }
    controller.abort(new GrpcError(Status.CANCELLED, "call ended"));
  })().catch(fail);
}

async function decode(frame: Frame, encoding: string | undefined): Promise<Uint8Array> {
  if (!frame.compressed) return frame.payload;
  const compression = compressionFor(encoding);
  if (compression === undefined) throw new GrpcError(Status.INTERNAL, "compressed frame without an encoding");
  return compression.decompress(frame.payload, 4 * 1024 * 1024);
}

class RequestQueue implements AsyncIterable<unknown> {
  readonly #items: Promise<unknown>[] = [];
  #isEnded = false;
  #wake: (() => void) | undefined;

  push(item: Promise<unknown>): void {
    item.catch(() => undefined);
    this.#items.push(item);
    this.#wake?.();
  }

  end(): void {
    this.#isEnded = true;
    this.#wake?.();
  }

  async single(): Promise<unknown> {
    let first: unknown;
    let count = 0;
    for await (const item of this) if (count++ === 0) first = item;
    if (count !== 1) throw new GrpcError(Status.INTERNAL, `expected one request, got ${count}`);
    return first;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<unknown> {
    for (;;) {
      const next = this.#items.shift();
      if (next !== undefined) yield await next;
      else if (this.#isEnded) return;
      else await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

/** Options of startSeamServer. */
export interface SeamServerOptions {
  readonly cors?: CorsOptions;
  readonly httpHandler?: PlainHttpHandler;
  readonly credentials?: ServerCredentials;
  readonly maxReceiveMessageBytes?: number;
}

const listeners: ServerListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close(0, () => undefined)));
});

/** Starts a listener on 127.0.0.1:0 whose calls run on runSeamCall; closed after the test. */
export async function startSeamServer(
  services: readonly [ServiceDefinition, Readonly<Record<string, SeamHandler>>][],
  options: SeamServerOptions = {},
): Promise<{ port: number; listener: ServerListener }> {
  const routes = new Map<string, SeamRoute>();
  for (const [definition, handlers] of services) {
    for (const [name, method] of Object.entries(definition.methods)) {
      const handler = handlers[name];
      if (handler !== undefined) routes.set(method.path, { method, handler });
    }
  }
  const listener = new ServerListener(
    (stream) => stream.close(),
    {
      maxHeaderListBytes: 16 * 1024,
      prefaceTimeoutMs: 30_000,
      streamResetBurst: 1000,
      streamResetRate: 100,
      keepalive: { timeoutMs: 20_000, minPingIntervalMs: 0, permitWithoutCalls: true },
    },
    {
      onCall: (stream) => runSeamCall(stream, routes),
      lookupMethod: (path) => routes.get(path)?.method,
      maxReceiveMessageBytes: options.maxReceiveMessageBytes ?? 4 * 1024 * 1024,
      cors: options.cors === undefined ? undefined : new CorsPolicy(options.cors),
      httpHandler: options.httpHandler,
    },
  );
  listeners.push(listener);
  const port = await listener.listen("127.0.0.1", 0, options.credentials ?? insecure());
  return { port, listener };
}
