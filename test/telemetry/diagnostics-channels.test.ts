// #15: node:diagnostics_channel, as APM agents subscribe to it: the client and server call tracing
// channels (start/end/asyncStart/asyncEnd/error with one message object per call), stores bound to
// the server's channels reaching the handler, and connection events.
import { AsyncLocalStorage } from "node:async_hooks";
import diagnosticsChannel from "node:diagnostics_channel";
import { afterEach, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { GrpcError } from "../../src/grpc-error.js";
import type { ServiceImpl } from "../../src/server/service-impl.js";
import { Status } from "../../src/status.js";
import type { ClientCallMessage, ServerCallMessage } from "../../src/telemetry/diagnostics.js";
import { Echo } from "../helpers/echo.js";
import { startEchoServer } from "../helpers/start-server.js";

const EVENTS = ["start", "end", "asyncStart", "asyncEnd", "error"] as const;
const unsubscribes: (() => void)[] = [];
afterEach(() => {
  for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
});

/** Records every event of tracing channel `name` as [event, message]. */
function record<M>(name: string): [string, M][] {
  const seen: [string, M][] = [];
  for (const event of EVENTS) {
    const channel = diagnosticsChannel.channel(`tracing:${name}:${event}`);
    const listener = (message: unknown): void => void seen.push([event, message as M]);
    channel.subscribe(listener);
    unsubscribes.push(() => channel.unsubscribe(listener));
  }
  return seen;
}

function subscribe(name: string): unknown[] {
  const seen: unknown[] = [];
  const listener = (message: unknown): void => void seen.push(message);
  diagnosticsChannel.subscribe(name, listener);
  unsubscribes.push(() => diagnosticsChannel.unsubscribe(name, listener));
  return seen;
}

/** Starts an Echo server with `impl`, runs `call` on a client of it, then closes both; resolves with the server's address. */
async function withEcho(impl: ServiceImpl<typeof Echo>, call: (echo: ReturnType<typeof createClient<typeof Echo>>) => Promise<unknown>): Promise<string> {
  const peer = await startEchoServer(impl);
  const echo = createClient(Echo, { address: peer.address });
  try {
    await call(echo);
  } finally {
    closeClient(echo);
    await peer.close();
  }
  return peer.address;
}

describe("#15 diagnostics channels", () => {
  it("traces a client and a server call: start and end, then asyncStart and asyncEnd with the status, on one message each", async () => {
    const client = record<ClientCallMessage>("h2grpc:client:call");
    const server = record<ServerCallMessage>("h2grpc:server:call");
    const address = await withEcho({ async unary(request) { return { message: request.message }; } }, (echo) => echo.unary({ message: "hi" }));
    expect(client.map(([event]) => event)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    const clientMessage = client[0]![1];
    expect(client.every(([, message]) => message === clientMessage)).toBe(true);
    expect(clientMessage).toMatchObject({ path: "/h2grpc.test.Echo/Unary", target: address, code: Status.OK });
    expect(server.map(([event]) => event)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    expect(server[0]![1]).toMatchObject({ path: "/h2grpc.test.Echo/Unary", code: Status.OK });
    expect(server[0]![1].peer).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("publishes error with the GrpcError on both sides when a call fails", async () => {
    const client = record<ClientCallMessage>("h2grpc:client:call");
    const server = record<ServerCallMessage>("h2grpc:server:call");
    await withEcho({
      async unary() {
        throw new GrpcError(Status.NOT_FOUND, "no such thing");
      },
    }, (echo) => expect(echo.unary({})).rejects.toMatchObject({ code: Status.NOT_FOUND }));
    const clientError = client.find(([event]) => event === "error")?.[1];
    expect(clientError?.error).toBeInstanceOf(GrpcError);
    expect(clientError?.code).toBe(Status.NOT_FOUND);
    expect(server.find(([event]) => event === "error")?.[1].code).toBe(Status.NOT_FOUND);
  });

  it("lets a start subscriber add metadata to the request (trace context), which the server receives", async () => {
    const start = diagnosticsChannel.channel("tracing:h2grpc:client:call:start");
    const inject = (message: unknown): void => void (message as ClientCallMessage).metadata.set("x-trace", "abc");
    start.subscribe(inject);
    unsubscribes.push(() => start.unsubscribe(inject));
    let received: string | undefined;
    await withEcho({
      async unary(_request, ctx) {
        received = ctx.metadata.get("x-trace");
        return {};
      },
    }, (echo) => echo.unary({}));
    expect(received).toBe("abc");
  });

  it("runs the handler with the stores bound to the server's asyncStart channel (AsyncLocalStorage)", async () => {
    const store = new AsyncLocalStorage<string>();
    const asyncStart = diagnosticsChannel.channel("tracing:h2grpc:server:call:asyncStart");
    asyncStart.bindStore(store, (message) => `call ${(message as ServerCallMessage).path}`);
    unsubscribes.push(() => asyncStart.unbindStore(store));
    const seen: (string | undefined)[] = [];
    await withEcho({
      async unary() {
        seen.push(store.getStore());
        await new Promise((resolve) => setTimeout(resolve, 1));
        seen.push(store.getStore()); // still the call's after an await
        return {};
      },
    }, (echo) => echo.unary({}));
    expect(seen).toEqual(["call /h2grpc.test.Echo/Unary", "call /h2grpc.test.Echo/Unary"]);
  });

  it("reports client and server connections: connecting, ready and closed", async () => {
    const clientEvents = subscribe("h2grpc:client:connection") as { kind: string; address: string }[];
    const serverEvents = subscribe("h2grpc:server:connection") as { kind: string }[];
    const address = await withEcho({ async unary() { return {}; } }, (echo) => echo.unary({}));
    for (let i = 0; i < 200 && !clientEvents.some((event) => event.kind === "closed"); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(clientEvents.map((event) => event.kind)).toEqual(["connecting", "ready", "closed"]);
    expect(clientEvents[0]?.address).toBe(address);
    expect(serverEvents.map((event) => event.kind)).toContain("ready");
  });
});
