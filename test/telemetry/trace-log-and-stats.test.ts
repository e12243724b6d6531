// #15: the trace log (H2GRPC_TRACE, or enableTraceLog with a logger) writes one structured line per
// call and connection event and costs nothing while off; channels and servers count their calls.
import { afterEach, describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import { closeClient, createClient } from "../../src/client/client.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { isObserving } from "../../src/telemetry/observers.js";
import { enableTraceLog, enableTraceLogFromEnvironment, type TraceEvent } from "../../src/telemetry/trace-log.js";
import { buildLibrary, removeLibrary, startChild } from "../helpers/child-process.js";
import { Echo } from "../helpers/echo.js";
import { startEchoServer } from "../helpers/start-server.js";

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

async function echoServer() {
  return startEchoServer({
    async unary(request) {
      if (request.message === "fail") throw new GrpcError(Status.NOT_FOUND, "nothing here");
      return { message: request.message };
    },
  });
}

describe("#15 trace log", () => {
  it("logs call starts, attempts, ends with status and time, and connection events, to the logger given", async () => {
    const events: TraceEvent[] = [];
    stops.push(enableTraceLog({ logger: (event) => events.push(event) }));
    const server = await echoServer();
    const client = createClient(Echo, { address: server.address });
    await client.unary({ message: "a" });
    await expect(client.unary({ message: "fail" })).rejects.toMatchObject({ code: Status.NOT_FOUND });
    closeClient(client);
    await server.close();
    const names = events.map((event) => event.event);
    expect(names).toEqual(expect.arrayContaining(["client.call.start", "client.attempt.start", "client.call.end", "server.call.start", "server.call.end", "connection"]));
    const ends = events.filter((event) => event.event === "client.call.end");
    expect(ends.map((event) => event.status)).toEqual(["OK", "NOT_FOUND"]);
    expect(ends[1]).toMatchObject({ path: "/h2grpc.test.Echo/Unary", target: server.address, details: "nothing here" });
    expect(typeof ends[0]?.ms).toBe("number");
    expect(events.find((event) => event.event === "client.attempt.start")?.address).toBe(server.address);
    for (const event of events) expect(Number.isNaN(Date.parse(event.time))).toBe(false);
  });

  it("writes only the categories asked for, and nothing once stopped", async () => {
    const events: TraceEvent[] = [];
    const stop = enableTraceLog({ categories: ["connection"], logger: (event) => events.push(event) });
    const server = await echoServer();
    const client = createClient(Echo, { address: server.address });
    await client.unary({ message: "a" });
    stop();
    const seen = events.length;
    await client.unary({ message: "b" });
    closeClient(client);
    await server.close();
    expect(events.every((event) => event.event === "connection")).toBe(true);
    expect(events.length).toBe(seen);
  });

  it("reads H2GRPC_TRACE: all, a list, or nothing; off means no observer at all", () => {
    expect(isObserving()).toBe(false);
    expect(enableTraceLogFromEnvironment(undefined)).toBeUndefined();
    expect(enableTraceLogFromEnvironment("nonsense")).toBeUndefined();
    const stop = enableTraceLogFromEnvironment("call, connection");
    expect(stop).toBeDefined();
    expect(isObserving()).toBe(true);
    stop?.();
    expect(isObserving()).toBe(false);
  });

  describe("from the environment, in a process of its own", () => {
    it("H2GRPC_TRACE=all writes JSON lines to stderr", async () => {
      await buildLibrary();
      try {
        const child = startChild("test/telemetry/children/traced-call.mjs", [], [], { H2GRPC_TRACE: "all" });
        expect(await child.exit(20_000)).toBe(0);
        const lines = child.stderr().split("\n").filter((line) => line.startsWith("h2grpc {"));
        const events = lines.map((line) => JSON.parse(line.slice("h2grpc ".length)) as TraceEvent);
        expect(events.some((event) => event.event === "client.call.end" && event.status === "OK")).toBe(true);
        expect(events.some((event) => event.event === "connection")).toBe(true);
      } finally {
        removeLibrary();
      }
    });
  });
});

describe("#15 call counters", () => {
  it("a channel and a server count calls started, succeeded, failed and in flight, and when the last started", async () => {
    const server = await echoServer();
    const channel = createChannel(server.address);
    const client = createClient(Echo, { channel });
    const before = Date.now();
    await client.unary({ message: "a" });
    await client.unary({ message: "b" });
    await expect(client.unary({ message: "fail" })).rejects.toBeInstanceOf(GrpcError);
    const stats = channel.stats();
    expect(stats).toMatchObject({ callsStarted: 3, callsSucceeded: 2, callsFailed: 1, callsInFlight: 0, target: server.address, state: "READY" });
    expect(stats.lastCallStartedAt).toBeGreaterThanOrEqual(before);
    expect(stats.connections).toEqual([{ address: server.address, isReady: true, streams: 0 }]);
    expect(server.server.stats()).toMatchObject({ callsStarted: 3, callsSucceeded: 2, callsFailed: 1, callsInFlight: 0, connections: 1 });
    channel.close();
    await server.close();
  });
});
