// Health checking on the tutorial server: SERVING once listening, NOT_FOUND for unknown names,
// and through a graceful shutdown: Watch sees NOT_SERVING, calls still succeed while draining,
// and a call in flight completes.
import { afterEach, describe, expect, it } from "vitest";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { closeClient, createClient } from "../../src/index.js";
import { healthLesson } from "../../examples/tutorial/lessons/health.js";
import { loadTutorialServices } from "../../examples/tutorial/tutorial-services.js";
import { startTutorialForTest, type TutorialFixture } from "./tutorial-fixture.js";

const services = loadTutorialServices();
const GO_LOG_PREFIX = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /;

describe("tutorial server health", () => {
  let fixture: TutorialFixture | undefined;
  afterEach(async () => {
    await fixture?.tutorial.close();
    fixture = undefined;
  });

  it("reports SERVING for the server and every tutorial service once listening", async () => {
    fixture = await startTutorialForTest();
    const health = createClient(fixture.tutorial.health.definition, { address: fixture.tutorial.address });
    try {
      for (const name of ["", ...fixture.tutorial.serviceNames]) {
        expect(await health.check({ service: name }), name).toEqual({ status: "SERVING" });
      }
      const error = await health.check({ service: "no.such.Service" }).catch((reason: unknown) => reason);
      expect((error as GrpcError).code).toBe(Status.NOT_FOUND);
    } finally {
      closeClient(health);
    }
  });

  it("the health lesson prints Check, NOT_FOUND and the first Watch update", async () => {
    fixture = await startTutorialForTest();
    const lines: string[] = [];
    await healthLesson({ address: fixture.tutorial.address, print: (line) => lines.push(line) });
    expect(lines.map((line) => line.replace(GO_LOG_PREFIX, ""))).toEqual([
      'Check(""): status:SERVING',
      'Check("grpc.test"): status:SERVING',
      expect.stringMatching(/^Check\("no.such.Service"\): rpc error: code = NotFound desc = /),
      'Watch(""): status:SERVING',
    ]);
  });

  it("during a graceful close Watch sees NOT_SERVING, new calls still succeed while draining, and a call in flight completes", async () => {
    fixture = await startTutorialForTest({ streamIntervalMs: 40, drainMs: 800, graceMs: 1_000 });
    const address = fixture.tutorial.address;
    const health = createClient(fixture.tutorial.health.definition, { address });
    const streamServer = createClient(services.streamServer, { address });
    const test = createClient(services.test, { address });
    try {
      const watch = health.watch({ service: "" })[Symbol.asyncIterator]();
      expect((await watch.next()).value).toEqual({ status: "SERVING" });

      const replies = streamServer.listValue({ data: "v" })[Symbol.asyncIterator]();
      const first = await replies.next(); // the call is in flight: 9 more replies, 40 ms apart

      const closed = fixture.tutorial.close();
      expect((await watch.next()).value).toEqual({ status: "NOT_SERVING" });
      // Draining: health says NOT_SERVING, but the server still accepts calls.
      expect(await test.firstRpc({ name: "late", id: 1 })).toEqual({ status: "200", value: "Hello late, id 1" });

      const values = [first.value?.streamValue];
      for (let reply = await replies.next(); reply.done !== true; reply = await replies.next()) values.push(reply.value.streamValue);
      expect(values).toEqual(["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"]);
      // The Watch call never ends on its own: the close cancels it after the grace period.
      const ended = await watch.next().then(
        (result) => result,
        (reason: unknown) => reason,
      );
      expect(ended).toBeInstanceOf(GrpcError);
      expect([Status.UNAVAILABLE, Status.CANCELLED]).toContain((ended as GrpcError).code);
      await closed;
    } finally {
      for (const client of [health, streamServer, test]) closeClient(client);
    }
  });
});
