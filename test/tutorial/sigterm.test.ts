// `npm start` as a real process (through the launcher, which builds dist/ when it is stale):
// it prints the address and grpcurl commands, and on SIGTERM reports NOT_SERVING, lets a call in
// flight complete, and exits 0.
import { once } from "node:events";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { closeClient, createChannel, createClient, loadService, type HealthDefinition } from "../../src/index.js";
import { loadTutorialServices } from "../../examples/tutorial/tutorial-services.js";
import { ROOT, startServerProcess, type StartedProcess } from "./server-process.js";

const services = loadTutorialServices();
const Health = loadService<HealthDefinition>("grpc/health/v1/health.proto", "grpc.health.v1.Health", { includeDirs: [path.join(ROOT, "protos")] });

describe("npm start as a process", () => {
  let started: StartedProcess | undefined;
  afterEach(() => {
    if (started !== undefined && started.child.exitCode === null) started.child.kill("SIGKILL");
    started = undefined;
  });

  it("on SIGTERM reports NOT_SERVING, completes the call in flight, and exits 0", async () => {
    started = await startServerProcess(["--stream-interval-ms=100", "--drain-ms=200", "--grace-ms=5000"]);
    const { child, address, output } = started;
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(output.join("\n")).toContain(`grpcurl -plaintext -d '{"name": "gsh", "id": 1}' ${address} grpc.test/FirstRpc`);

    const health = createClient(Health, { address });
    const streamServer = createClient(services.streamServer, { address });
    try {
      const watch = health.watch({ service: "" })[Symbol.asyncIterator]();
      expect((await watch.next()).value).toEqual({ status: "SERVING" });
      const replies = streamServer.listValue({ data: "v" })[Symbol.asyncIterator]();
      const values = [(await replies.next()).value?.streamValue];

      const exited = once(child, "exit");
      child.kill("SIGTERM");
      expect((await watch.next()).value).toEqual({ status: "NOT_SERVING" });
      for (let reply = await replies.next(); reply.done !== true; reply = await replies.next()) values.push(reply.value.streamValue);
      expect(values).toEqual(["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"]);

      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(output.join("\n")).toContain("SIGTERM: health NOT_SERVING");
    } finally {
      closeClient(health);
      closeClient(streamServer);
    }
  }, 120_000);

  it("with --workers=2 serves from two processes and on SIGTERM drains both: NOT_SERVING on each connection, calls in flight complete, exit 0", async () => {
    started = await startServerProcess(["--workers=2", "--stream-interval-ms=100", "--drain-ms=200", "--grace-ms=5000"]);
    const { child, address, output } = started;
    expect(output.join("\n")).toMatch(/listening on 127\.0\.0\.1:\d+, plaintext, 2 worker processes \(pids \d+, \d+\)/);

    // The primary hands connections to the workers in turn: two channels, one per worker.
    const channels = [createChannel(address), createChannel(address)];
    try {
      const calls = [];
      for (const channel of channels) {
        const watch = createClient(Health, { channel }).watch({ service: "" })[Symbol.asyncIterator]();
        expect((await watch.next()).value).toEqual({ status: "SERVING" });
        const replies = createClient(services.streamServer, { channel }).listValue({ data: "v" })[Symbol.asyncIterator]();
        const first = (await replies.next()).value?.streamValue;
        calls.push({ watch, replies, values: [first] });
      }

      const exited = once(child, "exit");
      child.kill("SIGTERM");
      for (const { watch, replies, values } of calls) {
        expect((await watch.next()).value).toEqual({ status: "NOT_SERVING" });
        await watch.return?.();
        for (let reply = await replies.next(); reply.done !== true; reply = await replies.next()) values.push(reply.value.streamValue);
        expect(values).toEqual(["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"]);
      }
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    } finally {
      for (const channel of channels) channel.close();
    }
  }, 120_000);
});
