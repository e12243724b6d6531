import { describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import type { ServerInterceptor } from "../../src/server/server-interceptor.js";
import { Echo, type EchoReply } from "../helpers/echo.js";
import { EchoClient, collectStream } from "../helpers/grpc-js-peer.js";
import { startServer } from "../helpers/start-server.js";

const logging =
  (name: string, log: string[]): ServerInterceptor =>
  (next) =>
    async function* (call) {
      log.push(`${name} in ${call.method.name}`);
      try {
        yield* next(call);
      } finally {
        log.push(`${name} out`);
      }
    };

const requireToken: ServerInterceptor = (next) => (call) => {
  if (call.metadata.get("authorization") !== "Bearer secret") {
    throw new GrpcError(Status.UNAUTHENTICATED, "missing or wrong token");
  }
  return next(call);
};

describe("server interceptors", () => {
  it("runs interceptors around the handler, the first outermost, for all four kinds", async () => {
    const log: string[] = [];
    const { address } = await startServer(
      (s) =>
        s.addService(Echo, {
          async unary(r) {
            log.push("handler");
            return { message: r.message };
          },
          async *serverStream(r) {
            for (let i = 0; i < r.count; i++) yield { index: i };
          },
          async clientStream(requests) {
            let n = 0;
            for await (const _ of requests) n++;
            return { index: n };
          },
          async *bidi(requests) {
            for await (const r of requests) yield { message: r.message };
          },
        }),
      { interceptors: [logging("outer", log), logging("inner", log)] },
    );
    const client = new EchoClient(address);
    expect((await client.unary({ message: "u" })).reply.message).toBe("u");
    expect(log).toEqual(["outer in Unary", "inner in Unary", "handler", "inner out", "outer out"]);
    expect((await collectStream(client.serverStream({ count: 3 }))).length).toBe(3);
    const clientStreamed = await new Promise<EchoReply>((resolve, reject) => {
      const call = client.clientStream((e, r) => (e ? reject(e) : resolve(r as EchoReply)));
      call.write({});
      call.write({});
      call.end();
    });
    expect(clientStreamed.index).toBe(2);
    const bidi = client.bidi();
    bidi.write({ message: "b" });
    bidi.end();
    expect((await collectStream(bidi)).map((r) => r.message)).toEqual(["b"]);
    client.close();
    expect(log.filter((line) => line.startsWith("outer in"))).toEqual([
      "outer in Unary",
      "outer in ServerStream",
      "outer in ClientStream",
      "outer in Bidi",
    ]);
  });

  it("rejects with UNAUTHENTICATED before the handler is ever reached", async () => {
    let handlerCalls = 0;
    const { address } = await startServer(
      (s) =>
        s.addService(Echo, {
          async unary() {
            handlerCalls++;
            return {};
          },
        }),
      { interceptors: [requireToken] },
    );
    const client = new EchoClient(address);
    const error = (await client.unary({}).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(error.code).toBe(Status.UNAUTHENTICATED);
    expect(error.details).toBe("missing or wrong token");
    expect(handlerCalls).toBe(0);
    const md = new grpc.Metadata();
    md.set("authorization", "Bearer secret");
    await client.unary({}, { metadata: md });
    expect(handlerCalls).toBe(1);
    client.close();
  });

  it("lets an interceptor rewrite responses and set trailers through the context", async () => {
    const shout: ServerInterceptor = (next) =>
      async function* (call) {
        for await (const response of next(call)) {
          call.context.trailer.set("x-intercepted", "yes");
          yield { ...(response as { message: string }), message: (response as { message: string }).message.toUpperCase() };
        }
      };
    const { address } = await startServer(
      (s) => s.addService(Echo, { async unary(r) { return { message: r.message }; } }),
      { interceptors: [shout] },
    );
    const client = new EchoClient(address);
    const { reply, trailers } = await client.unary({ message: "quiet" });
    client.close();
    expect(reply.message).toBe("QUIET");
    expect(trailers.get("x-intercepted")).toEqual(["yes"]);
  });

  it("sends a plain error thrown by an interceptor as UNKNOWN", async () => {
    const broken: ServerInterceptor = () => () => {
      throw new Error("interceptor bug");
    };
    const { address } = await startServer((s) => s.addService(Echo, { async unary() { return {}; } }), { interceptors: [broken] });
    const client = new EchoClient(address);
    const error = (await client.unary({}).catch((e: unknown) => e)) as grpc.ServiceError;
    client.close();
    expect(error.code).toBe(Status.UNKNOWN);
    expect(error.details).toBe("interceptor bug");
  });
});
