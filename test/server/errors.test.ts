import { describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { GrpcError } from "../../src/grpc-error.js";
import { Metadata } from "../../src/metadata.js";
import { Status } from "../../src/status.js";
import { Echo } from "../helpers/echo.js";
import { EchoClient, collectStream } from "../helpers/grpc-js-peer.js";
import { connectRaw, grpcHeaders, rawFrame, sendRaw, statusOf } from "../helpers/raw-h2.js";
import { startServer } from "../helpers/start-server.js";

type ServiceError = grpc.ServiceError & { headers: grpc.Metadata; trailers: grpc.Metadata };

describe("errors from handlers", () => {
  it("sends a thrown GrpcError's code, message and metadata as a Trailers-Only response", async () => {
    const { port } = await startServer((s) =>
      s.addService(Echo, {
        async unary() {
          throw new GrpcError(Status.NOT_FOUND, "user 42 not found – ü%", new Metadata({ "x-reason": "gone" }));
        },
      }),
    );
    const session = connectRaw(port);
    const response = await sendRaw(session, grpcHeaders("/h2grpc.test.Echo/Unary"), [rawFrame(new Uint8Array())]);
    session.close();
    expect(response.trailers).toBeUndefined();
    expect(response.headers[":status"]).toBe(200);
    expect(response.headers["x-reason"]).toBe("gone");
    expect(statusOf(response)).toEqual({ code: Status.NOT_FOUND, message: "user 42 not found – ü%" });
  });

  it("sends a plain Error as UNKNOWN with its message and no stack, and reports it to onCallError", async () => {
    const reported: unknown[] = [];
    const { address } = await startServer(
      (s) =>
        s.addService(Echo, {
          unary() {
            throw new Error("disk on fire");
          },
        }),
      { onCallError: (error) => reported.push(error) },
    );
    const client = new EchoClient(address);
    const error = (await client.unary({}).catch((e: unknown) => e)) as ServiceError;
    client.close();
    expect(error.code).toBe(Status.UNKNOWN);
    expect(error.details).toBe("disk on fire");
    expect(error.details).not.toContain("at ");
    expect(reported).toHaveLength(1);
    expect((reported[0] as Error).message).toBe("disk on fire");
  });

  it("sends an error after streamed messages in the trailers", async () => {
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async *serverStream() {
          yield { message: "one" };
          throw new GrpcError(Status.ABORTED, "stopped after one");
        },
      }),
    );
    const client = new EchoClient(address);
    const stream = client.serverStream({});
    const received: string[] = [];
    stream.on("data", (r: { message: string }) => received.push(r.message));
    const error = await new Promise<grpc.ServiceError>((resolve) => stream.on("error", resolve));
    client.close();
    expect(received).toEqual(["one"]);
    expect(error.code).toBe(Status.ABORTED);
    expect(error.details).toBe("stopped after one");
  });

  it("survives a handler whose floating promise rejects later", async () => {
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async unary() {
          void Promise.reject(new Error("nobody awaits me")).catch(() => {});
          return { message: "fine" };
        },
        async *serverStream() {
          yield { message: "a" };
        },
      }),
    );
    const client = new EchoClient(address);
    expect((await client.unary({})).reply.message).toBe("fine");
    expect(await collectStream(client.serverStream({}))).toHaveLength(1);
    client.close();
  });

  it("ends a call with INTERNAL when the response cannot be serialized", async () => {
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async unary() {
          return null as never; // protobufjs fromObject throws on null
        },
      }),
    );
    const client = new EchoClient(address);
    const error = (await client.unary({}).catch((e: unknown) => e)) as ServiceError;
    client.close();
    expect(error.code).toBe(Status.INTERNAL);
  });

  it("sends google.rpc.Status details in grpc-status-details-bin", async () => {
    const detail = { typeUrl: "type.googleapis.com/google.rpc.ErrorInfo", value: new Uint8Array([10, 3, 102, 111, 111]) };
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async unary() {
          throw new GrpcError(Status.FAILED_PRECONDITION, "with details", undefined, { statusDetails: [detail] });
        },
      }),
    );
    const client = new EchoClient(address);
    const error = (await client.unary({}).catch((e: unknown) => e)) as ServiceError;
    client.close();
    expect(error.code).toBe(Status.FAILED_PRECONDITION);
    expect(error.metadata.get("grpc-status-details-bin")).toHaveLength(1);
  });

  it("drops what a handler writes after its call ended, without crashing", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async unary(_request, ctx) {
          await released;
          ctx.sendHeader(); // the call has already timed out: throws, and the error is dropped
          return {};
        },
      }),
    );
    const client = new EchoClient(address);
    const error = (await client.unary({}, { deadline: Date.now() + 50 }).catch((e: unknown) => e)) as ServiceError;
    release();
    expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
    expect((await client.unary({}).catch((e: unknown) => e as ServiceError)) as object).toBeDefined();
    client.close();
  });
});

describe("error hooks and early returns", () => {
  it("survives an async onCallError that rejects", async () => {
    const { address } = await startServer(
      (s) =>
        s.addService(Echo, {
          async unary() {
            throw new Error("boom");
          },
        }),
      { onCallError: async () => Promise.reject(new Error("hook failed")) },
    );
    const client = new EchoClient(address);
    for (let i = 0; i < 2; i++) {
      const error = (await client.unary({}).catch((e: unknown) => e)) as ServiceError;
      expect(error.code).toBe(Status.UNKNOWN);
    }
    client.close();
  });

  it("answers OK when a client-streaming handler returns before the client stops sending", async () => {
    const { address } = await startServer((s) =>
      s.addService(Echo, {
        async clientStream(requests) {
          for await (const r of requests) return { message: `first:${r.message}` };
          return {};
        },
      }),
    );
    const client = new EchoClient(address);
    const reply = await new Promise<{ message: string }>((resolve, reject) => {
      const call = client.clientStream((e, r) => (e ? reject(e) : resolve(r as { message: string })));
      call.write({ message: "a" });
      call.write({ message: "b" });
      // never ends: the server answers and resets the rest of the upload with NO_ERROR
    });
    client.close();
    expect(reply.message).toBe("first:a");
  });
});
