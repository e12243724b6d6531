import { describe, expect, it } from "vitest";
import type * as grpc from "@grpc/grpc-js";
import http2 from "node:http2";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { Echo } from "../helpers/echo.js";
import { EchoClient } from "../helpers/grpc-js-peer.js";
import { connectRaw, grpcHeaders, rawFrame, sendRaw, statusOf } from "../helpers/raw-h2.js";
import { startServer } from "../helpers/start-server.js";

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("deadlines", () => {
  it("ends a call with DEADLINE_EXCEEDED at the server's deadline even when the handler ignores its signal", async () => {
    const never = deferred<{ message: string }>();
    const aborted = deferred<unknown>();
    let deadline: number | undefined;
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        unary(_request, ctx) {
          deadline = ctx.deadline;
          ctx.signal.addEventListener("abort", () => aborted.resolve(ctx.signal.reason));
          return never.promise;
        },
      }),
      { maxCallMs: 100 },
    );
    const client = new EchoClient(address);
    const sentAt = Date.now();
    // The client's own deadline is far away: the status it gets comes from the server's timer
    // (maxCallMs), not from grpc-js cancelling on its own.
    const error = (await client.unary({}, { deadline: sentAt + 10_000 }).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    const reason = await aborted.promise;
    expect(reason).toBeInstanceOf(GrpcError);
    expect((reason as GrpcError).code).toBe(Status.DEADLINE_EXCEEDED);
    expect(deadline).toBeGreaterThan(sentAt);
    expect(deadline).toBeLessThanOrEqual(Date.now());
    never.resolve({ message: "too late" }); // dropped: the call is over
    client.close();
  });

  it("honours grpc-timeout: aborts the signal with DEADLINE_EXCEEDED, sends the status, then resets with CANCEL", async () => {
    const aborted = deferred<unknown>();
    const { port } = await startServer((s) =>
      s.addService(Echo, {
        async *bidi(_requests, ctx) {
          ctx.signal.addEventListener("abort", () => aborted.resolve(ctx.signal.reason));
          await new Promise(() => {});
        },
      }),
    );
    const session = connectRaw(port);
    const frame = rawFrame(Echo.methods.bidi.requestSerializer.serialize({}));
    // The client has not half-closed, so the server resets the stream after the status.
    const response = await sendRaw(session, grpcHeaders("/h2grpc.test.Echo/Bidi", { "grpc-timeout": "50m" }), [frame], false);
    session.close();
    expect(statusOf(response).code).toBe(Status.DEADLINE_EXCEEDED);
    expect(response.rstCode).toBe(http2.constants.NGHTTP2_CANCEL);
    expect(((await aborted.promise) as GrpcError).code).toBe(Status.DEADLINE_EXCEEDED);
  });

  it("caps the client's deadline with maxCallMs", async () => {
    let deadline: number | undefined;
    const { address } = await startServer(
      (s) =>
        s.addService(Echo, {
          async unary(_request, ctx) {
            deadline = ctx.deadline;
            return {};
          },
        }),
      { maxCallMs: 1000 },
    );
    const client = new EchoClient(address);
    const before = Date.now();
    await client.unary({}, { deadline: before + 60_000 });
    client.close();
    expect(deadline).toBeLessThanOrEqual(Date.now() + 1000);
    expect(deadline).toBeGreaterThanOrEqual(before + 900);
  });

  it("stops a server-streaming generator at the deadline and runs its finally block", async () => {
    const finallyRan = deferred();
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async *serverStream(_request, ctx) {
          try {
            for (let i = 0; i < 10_000 && !ctx.signal.aborted; i++) {
              yield { index: i };
              await new Promise((resolve) => setTimeout(resolve, 5));
            }
          } finally {
            finallyRan.resolve();
          }
        },
      }),
      { maxCallMs: 100 },
    );
    const client = new EchoClient(address);
    const stream = client.serverStream({}, { deadline: Date.now() + 10_000 });
    stream.on("data", () => {});
    const error = await new Promise<grpc.ServiceError>((resolve) => stream.on("error", resolve));
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    await finallyRan.promise;
    client.close();
  });
});

describe("client cancellation", () => {
  it("aborts the signal with CANCELLED when a grpc-js client cancels, and returns the generator", async () => {
    const signalReason = deferred<unknown>();
    const finallyRan = deferred();
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async *bidi(_requests, ctx) {
          try {
            yield { message: "started" };
            await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
            signalReason.resolve(ctx.signal.reason);
            yield { message: "never sent" };
          } finally {
            finallyRan.resolve();
          }
        },
      }),
    );
    const client = new EchoClient(address);
    const call = client.bidi();
    call.on("error", () => {});
    await new Promise((resolve) => call.once("data", resolve));
    call.cancel();
    const reason = (await signalReason.promise) as GrpcError;
    expect(reason.code).toBe(Status.CANCELLED);
    expect(reason.details).toBe("call cancelled by the client");
    await finallyRan.promise;
    client.close();
  });

  it("makes a pending request iterator throw CANCELLED when the client goes away mid-stream", async () => {
    const iteratorError = deferred<unknown>();
    const firstRequest = deferred();
    const { port } = await startServer((s) =>
      s.addService(Echo, {
        async clientStream(requests) {
          try {
            for await (const _ of requests) firstRequest.resolve();
          } catch (error) {
            iteratorError.resolve(error);
          }
          return {};
        },
      }),
    );
    const session = connectRaw(port);
    const stream = session.request(grpcHeaders("/h2grpc.test.Echo/ClientStream"));
    stream.on("error", () => {});
    stream.write(rawFrame(Echo.methods.clientStream!.requestSerializer.serialize({ message: "one" })));
    await firstRequest.promise;
    // The connection drops without END_STREAM (node's stream.close and grpc-js's cancel half-close first).
    session.destroy();
    expect(((await iteratorError.promise) as GrpcError).code).toBe(Status.CANCELLED);
  });

  it("returns a server-streaming generator paused on a full stream when the client cancels", async () => {
    const finallyRan = deferred();
    let yielded = 0;
    const { port } = await startServer((s) =>
      s.addService(Echo, {
        async *serverStream() {
          try {
            const payload = new Uint8Array(64 * 1024);
            for (let i = 0; i < 100_000; i++) {
              yielded++;
              yield { index: i, payload };
            }
          } finally {
            finallyRan.resolve();
          }
        },
      }),
    );
    // A raw client that never reads: grpc-js would buffer messages on its side.
    const session = connectRaw(port);
    const stream = session.request(grpcHeaders("/h2grpc.test.Echo/ServerStream"));
    stream.on("error", () => {});
    stream.end(rawFrame(Echo.methods.serverStream!.requestSerializer.serialize({})));
    stream.pause();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The generator stops at the flow-control window (64 KiB): it is not run 100 000 times.
    expect(yielded).toBeLessThan(5);
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await finallyRan.promise;
    session.close();
  });
});
