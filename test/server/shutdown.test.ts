import { describe, expect, it } from "vitest";
import type * as grpc from "@grpc/grpc-js";
import { GrpcError } from "../../src/grpc-error.js";
import { createServer } from "../../src/server/server.js";
import { Status } from "../../src/status.js";
import { Echo } from "../helpers/echo.js";
import { EchoClient } from "../helpers/grpc-js-peer.js";

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function start(unary: (ctx: { signal: AbortSignal }) => Promise<{ message: string }>) {
  const started = deferred();
  const server = createServer().addService(Echo, {
    async unary(_request, ctx) {
      started.resolve();
      return unary(ctx);
    },
  });
  const port = await server.listen({ host: "127.0.0.1", port: 0 });
  return { server, client: new EchoClient(`127.0.0.1:${port}`), started: started.promise };
}

describe("graceful close", () => {
  it("lets an in-flight call that finishes within the grace period complete, then resolves", async () => {
    const finish = deferred();
    const { server, client, started } = await start(async () => {
      await finish.promise;
      return { message: "made it" };
    });
    const inFlight = client.unary({});
    await started;
    const closed = server.close({ graceMs: 5000 });
    setTimeout(finish.resolve, 50);
    expect((await inFlight).reply.message).toBe("made it");
    await closed;
    client.close();
  });

  it("refuses new calls once closing", async () => {
    const { server, client } = await start(async () => ({ message: "x" }));
    await client.unary({});
    await server.close();
    const error = (await client.unary({}, { deadline: Date.now() + 2000 }).catch((e: unknown) => e)) as grpc.ServiceError;
    client.close();
    expect(error.code).toBe(Status.UNAVAILABLE);
  });

  it("cancels a call still running when the grace period ends: its signal aborts with UNAVAILABLE", async () => {
    const reason = deferred<unknown>();
    const { server, client, started } = await start(
      (ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () => {
            reason.resolve(ctx.signal.reason);
            reject(ctx.signal.reason);
          });
        }),
    );
    const inFlight = client.unary({}).catch((e: unknown) => e as grpc.ServiceError);
    await started;
    const closedAt = Date.now();
    await server.close({ graceMs: 100 });
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(90);
    expect(((await reason.promise) as GrpcError).code).toBe(Status.UNAVAILABLE);
    expect([Status.UNAVAILABLE, Status.CANCELLED]).toContain(((await inFlight) as grpc.ServiceError).code);
    client.close();
  });

  it("is safe to call twice: both calls resolve once every connection is gone", async () => {
    const { server, client } = await start(async () => ({ message: "x" }));
    await client.unary({});
    const first = server.close({ graceMs: 1000 });
    const second = server.close();
    await Promise.all([first, second]);
    await server.close();
    client.close();
  });

  it("rejects listen with the listen error, e.g. EADDRINUSE", async () => {
    const first = createServer();
    const port = await first.listen({ host: "127.0.0.1", port: 0 });
    const second = createServer();
    await expect(second.listen({ host: "127.0.0.1", port })).rejects.toMatchObject({ code: "EADDRINUSE" });
    await Promise.all([first.close(), second.close()]);
  });

  it("refuses to register the same service twice", () => {
    const server = createServer().addService(Echo, {});
    expect(() => server.addService(Echo, {})).toThrow(TypeError);
    expect(server.services.map((s) => s.typeName)).toEqual(["h2grpc.test.Echo"]);
  });
});
