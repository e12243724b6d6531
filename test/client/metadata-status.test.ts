import type { ServerCallContext } from "../../src/server/call-context.js";
import * as grpc from "@grpc/grpc-js";
import type { ServiceClient } from "../../src/client/service-client.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Metadata } from "../../src/metadata.js";
import { encodeRpcStatus } from "../../src/rpc-status.js";
import { Status } from "../../src/status.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { collect, Echo, type EchoRequest } from "../helpers/echo.js";
import { startGrpcJsServer } from "../helpers/grpc-js-peer.js";
import type { EchoDefinition } from "../helpers/echo.js";
import { startEchoServer } from "../helpers/start-server.js";

const DETAIL = { typeUrl: "type.googleapis.com/h2grpc.test.Why", value: new Uint8Array([7, 7]) };

// The same behaviour from two servers: request metadata echoed back as headers ("x-echo", "x-echo-bin")
// and trailers ("x-trailer"); message "fail" ends with NOT_FOUND and a status detail.
const grpcJsImpl: grpc.UntypedServiceImplementation = {
  Unary(call: grpc.ServerUnaryCall<EchoRequest, unknown>, callback: grpc.sendUnaryData<unknown>) {
    const headers = new grpc.Metadata();
    headers.set("x-echo", String(call.metadata.get("x-custom")[0] ?? ""));
    headers.set("x-echo-bin", call.metadata.get("x-custom-bin")[0] ?? Buffer.alloc(0));
    call.sendMetadata(headers);
    const trailers = new grpc.Metadata();
    trailers.set("x-trailer", "t");
    if (call.request.message === "fail") {
      trailers.set("grpc-status-details-bin", Buffer.from(encodeRpcStatus({ code: 5, message: "missing", details: [DETAIL] })));
      callback({ code: grpc.status.NOT_FOUND, details: "missing", metadata: trailers });
      return;
    }
    callback(null, { message: "ok" }, trailers);
  },
};

const peers = {
  "grpc-js": async () => startGrpcJsServer(grpcJsImpl),
  h2grpc: async () =>
    startEchoServer({
      async unary(request: EchoRequest, ctx: ServerCallContext) {
        ctx.sendHeader(new Metadata({ "x-echo": ctx.metadata.get("x-custom") ?? "", "x-echo-bin": ctx.metadata.get("x-custom-bin") ?? new Uint8Array() }));
        ctx.trailer.set("x-trailer", "t");
        if (request.message === "fail") throw new GrpcError(Status.NOT_FOUND, "missing", undefined, { statusDetails: [DETAIL] });
        return { message: "ok" };
      },
    } as never),
};

describe.each(Object.entries(peers))("metadata and status against a %s server", (_name, start) => {
  let peer: { address: string; close(): Promise<void> };
  let client: ServiceClient<EchoDefinition>;
  beforeAll(async () => {
    peer = await start();
    client = createClient(Echo, { address: peer.address });
  });
  afterAll(async () => {
    closeClient(client);
    await peer.close();
  });

  const requestMetadata = () => new Metadata({ "x-custom": "hello", "x-custom-bin": new Uint8Array([0, 1, 255]) });

  it("sends text and -bin metadata, and reads headers and trailers of a successful call", async () => {
    let headers: Metadata | undefined;
    let trailers: Metadata | undefined;
    const reply = await client.unary(
      { message: "hi" },
      { metadata: requestMetadata(), onHeader: (h: Metadata) => (headers = h), onTrailer: (t: Metadata) => (trailers = t) },
    );
    expect(reply).toMatchObject({ message: "ok" });
    expect(headers?.get("x-echo")).toBe("hello");
    expect(headers?.get("x-echo-bin")).toEqual(new Uint8Array([0, 1, 255]));
    expect(trailers?.get("x-trailer")).toBe("t");
  });

  it("a failed call throws GrpcError with code, details, trailers and decoded statusDetails", async () => {
    let headers: Metadata | undefined;
    let trailers: Metadata | undefined;
    const error = await rejectionOf(() =>
      client.unary({ message: "fail" }, { metadata: requestMetadata(), onHeader: (h: Metadata) => (headers = h), onTrailer: (t: Metadata) => (trailers = t) }),
    );
    expect(error.code).toBe(Status.NOT_FOUND);
    expect(error.details).toBe("missing");
    expect(error.metadata.get("x-trailer")).toBe("t");
    expect(error.statusDetails).toEqual([DETAIL]);
    expect(headers?.get("x-echo")).toBe("hello");
    expect(trailers?.get("x-trailer")).toBe("t");
  });

  it("an onHeader or onTrailer callback that throws fails its call instead of crashing the process", async () => {
    const fromHeader = await rejectionOf(() =>
      client.unary({ message: "hi" }, { onHeader: () => {
        throw new Error("header callback broke");
      } }),
    );
    expect(fromHeader.code).toBe(Status.UNKNOWN);
    expect(fromHeader.details).toBe("header callback broke");
    const fromTrailer = await rejectionOf(() =>
      client.unary({ message: "hi" }, { onTrailer: () => {
        throw new Error("trailer callback broke");
      } }),
    );
    expect(fromTrailer.details).toBe("trailer callback broke");
  });

  it("a user-agent in metadata goes in front of h2grpc's", async () => {
    // Only checks that the call succeeds with a custom user-agent; the wire test checks the default value.
    await expect(client.unary({ message: "hi" }, { metadata: new Metadata({ "user-agent": "my-app/1.0" }) })).resolves.toMatchObject({ message: "ok" });
  });
});

describe("headers and trailers promises of call objects", () => {
  it("resolve on success and on failure, and never reject", async () => {
    const peer = await startEchoServer({
      async *serverStream(request: EchoRequest, ctx: ServerCallContext) {
        ctx.sendHeader(new Metadata({ "x-h": "1" }));
        ctx.trailer.set("x-t", "2");
        yield { message: "one" };
        if (request.message === "fail") throw new GrpcError(Status.ABORTED, "stop");
      },
    } as never);
    const client = createClient(Echo, { address: peer.address });
    try {
      const ok = client.serverStream({ message: "ok" });
      expect(await collect(ok)).toHaveLength(1);
      expect((await ok.headers).get("x-h")).toBe("1");
      expect((await ok.trailers).get("x-t")).toBe("2");

      const failing = client.serverStream({ message: "fail" });
      const seen: unknown[] = [];
      const error = await rejectionOf(async () => {
        for await (const reply of failing) seen.push(reply);
      });
      expect(seen).toHaveLength(1);
      expect(error.code).toBe(Status.ABORTED);
      expect((await failing.headers).get("x-h")).toBe("1");
      expect((await failing.trailers).get("x-t")).toBe("2");
    } finally {
      closeClient(client);
      await peer.close();
    }
  });
});
