import http2 from "node:http2";
import type { ServiceClient } from "../../src/client/service-client.js";
import { afterEach, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { VERSION } from "../../src/version.js";
import { Metadata } from "../../src/metadata.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { Echo } from "../helpers/echo.js";
import type { EchoDefinition } from "../helpers/echo.js";
import { destroySessionSoon, frameOf, startRawServer, type RawServer } from "./raw-server.js";
import { ErrorCode, FrameType, frame, rstStreamFrame } from "../hardening/h2-frames.js";
import { headers, startScriptedServer, type ScriptedServer, type StreamScript } from "../hardening/scripted-server.js";

const reply = (message: string): Buffer => frameOf(Echo.methods.unary!.responseSerializer.serialize({ message }));
const GRPC_200 = { ":status": 200, "content-type": "application/grpc" };

let server: RawServer | undefined;
let client: ServiceClient<EchoDefinition> | undefined;
afterEach(async () => {
  if (client !== undefined) closeClient(client);
  await server?.close();
  server = undefined;
  client = undefined;
});

async function clientFor(onStream: Parameters<typeof startRawServer>[0]): Promise<ServiceClient<EchoDefinition>> {
  server = await startRawServer(onStream);
  client = createClient(Echo, { address: server.address });
  return client;
}

let scripted: ScriptedServer | undefined;
afterEach(async () => {
  await scripted?.close();
  scripted = undefined;
});

async function scriptedClientFor(script: StreamScript): Promise<ServiceClient<EchoDefinition>> {
  scripted = await startScriptedServer(script);
  client = createClient(Echo, { address: scripted.address });
  return client;
}

function answer(headers: http2.OutgoingHttpHeaders, body: Buffer[], trailers?: http2.OutgoingHttpHeaders) {
  return (stream: http2.ServerHttp2Stream): void => {
    stream.on("data", () => {});
    stream.on("end", () => {
      if (trailers !== undefined) stream.once("wantTrailers", () => stream.sendTrailers(trailers));
      stream.respond(headers, { endStream: body.length === 0 && trailers === undefined, waitForTrailers: trailers !== undefined });
      if (body.length > 0 || trailers !== undefined) {
        for (const chunk of body) stream.write(chunk);
        stream.end();
      }
    });
  };
}

describe("request headers", () => {
  it("send te, content-type, grpc-timeout, grpc-accept-encoding, user-agent and metadata", async () => {
    const c = await clientFor(answer(GRPC_200, [reply("ok")], { "grpc-status": "0" }));
    await c.unary({ message: "x" }, { timeoutMs: 5000, metadata: new Metadata({ "x-custom": "v", "x-bin": new Uint8Array([1, 2]) }) });
    const headers = server!.requests[0]!;
    expect(headers[":method"]).toBe("POST");
    expect(headers[":path"]).toBe("/h2grpc.test.Echo/Unary");
    expect(headers[":authority"]).toBe(server!.address);
    expect(headers["te"]).toBe("trailers");
    expect(headers["content-type"]).toBe("application/grpc");
    expect(headers["grpc-timeout"]).toMatch(/^\d{1,8}[HMSmun]$/);
    expect(headers["grpc-accept-encoding"]).toContain("gzip");
    expect(headers["user-agent"]).toBe(`h2grpc/${VERSION}`);
    expect(headers["x-custom"]).toBe("v");
    expect(headers["x-bin"]).toBe("AQI");
  });
});

describe("responses", () => {
  it("a Trailers-Only error reaches the caller with code, message and metadata", async () => {
    const c = await clientFor(answer({ ...GRPC_200, "grpc-status": "5", "grpc-message": "no%20such%20thing", "x-why": "gone" }, []));
    const error = await rejectionOf(() => c.unary({ message: "x" }));
    expect(error.code).toBe(Status.NOT_FOUND);
    expect(error.details).toBe("no such thing");
    expect(error.metadata.get("x-why")).toBe("gone");
  });

  it.each([
    [404, Status.UNIMPLEMENTED],
    [503, Status.UNAVAILABLE],
    [401, Status.UNAUTHENTICATED],
    [500, Status.UNKNOWN],
  ])("HTTP %i without grpc-status maps to status %i", async (httpStatus, code) => {
    const c = await clientFor(answer({ ":status": httpStatus, "content-type": "text/html" }, [Buffer.from("<html>")]));
    const error = await rejectionOf(() => c.unary({ message: "x" }));
    expect(error.code).toBe(code);
    expect(error.details).toContain(String(httpStatus));
  });

  it("a non-gRPC content-type fails the call with UNKNOWN", async () => {
    const c = await clientFor(answer({ ":status": 200, "content-type": "text/plain" }, [Buffer.from("hello")], { "grpc-status": "0" }));
    const error = await rejectionOf(() => c.unary({ message: "x" }));
    expect(error.code).toBe(Status.UNKNOWN);
    expect(error.details).toContain("content-type");
  });

  it("#10 trailers without grpc-status fail the call with UNKNOWN", async () => {
    const c = await clientFor(answer(GRPC_200, [reply("ok")], { "x-other": "1" }));
    expect((await rejectionOf(() => c.unary({ message: "x" }))).code).toBe(Status.UNKNOWN);
  });

  it("a stream that ends with no trailers at all fails with INTERNAL", async () => {
    const c = await clientFor(answer(GRPC_200, [reply("ok")]));
    expect((await rejectionOf(() => c.unary({ message: "x" }))).code).toBe(Status.INTERNAL);
  });

  it("a unary call with no response message and OK fails with INTERNAL", async () => {
    const c = await clientFor(answer(GRPC_200, [], { "grpc-status": "0" }));
    const error = await rejectionOf(() => c.unary({ message: "x" }));
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.details).toContain("cardinality");
  });

  it("a unary call with two response messages fails with INTERNAL", async () => {
    const c = await clientFor(answer(GRPC_200, [reply("a"), reply("b")], { "grpc-status": "0" }));
    expect((await rejectionOf(() => c.unary({ message: "x" }))).code).toBe(Status.INTERNAL);
  });

  it("a stream that ends inside a message fails with INTERNAL", async () => {
    const c = await clientFor(answer(GRPC_200, [reply("truncated").subarray(0, 4)], { "grpc-status": "0" }));
    const error = await rejectionOf(() => c.unary({ message: "x" }));
    expect(error.code).toBe(Status.INTERNAL);
  });

  it("a response message that is not valid protobuf fails with INTERNAL", async () => {
    const c = await clientFor(answer(GRPC_200, [frameOf(new Uint8Array([0xff, 0xff, 0xff]))], { "grpc-status": "0" }));
    expect((await rejectionOf(() => c.unary({ message: "x" }))).code).toBe(Status.INTERNAL);
  });

  it("a grpc-status outside 0-16 becomes UNKNOWN", async () => {
    const c = await clientFor(answer({ ...GRPC_200, "grpc-status": "42" }, []));
    expect((await rejectionOf(() => c.unary({ message: "x" }))).code).toBe(Status.UNKNOWN);
  });

  it.each([
    [http2.constants.NGHTTP2_REFUSED_STREAM, Status.UNAVAILABLE],
    [http2.constants.NGHTTP2_CANCEL, Status.CANCELLED],
    [http2.constants.NGHTTP2_INTERNAL_ERROR, Status.INTERNAL],
    [http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, Status.RESOURCE_EXHAUSTED],
    [http2.constants.NGHTTP2_INADEQUATE_SECURITY, Status.PERMISSION_DENIED],
    [http2.constants.NGHTTP2_NO_ERROR, Status.INTERNAL],
  ])("RST_STREAM code %i maps to status %i", async (rstCode, code) => {
    const c = await clientFor((stream) => stream.close(rstCode));
    const error = await rejectionOf(() => c.unary({ message: "x" }));
    expect(error).toBeInstanceOf(GrpcError);
    expect(error.code).toBe(code);
  });

  it("RST_STREAM after response headers ends a server stream with the mapped status", async () => {
    // Exact frames: node:http2 servers of different versions drop or reorder what is queued before a reset.
    const c = await scriptedClientFor((streamId) => [
      headers(streamId, [[":status", "200"], ["content-type", "application/grpc"]]),
      frame(FrameType.DATA, 0, streamId, reply("first")),
      rstStreamFrame(streamId, ErrorCode.REFUSED_STREAM),
    ]);
    const seen: unknown[] = [];
    const error = await rejectionOf(async () => {
      for await (const message of c.serverStream({ message: "x" })) seen.push(message);
    });
    expect(seen).toHaveLength(1);
    expect(error.code).toBe(Status.UNAVAILABLE);
  });

  it("grpc-status-details-bin is decoded into statusDetails", async () => {
    const { encodeRpcStatus } = await import("../../src/rpc-status.js");
    const raw = encodeRpcStatus({
      code: Status.INVALID_ARGUMENT,
      message: "bad",
      details: [{ typeUrl: "type.googleapis.com/x.Y", value: new Uint8Array([1]) }],
    });
    const c = await clientFor(
      answer({ ...GRPC_200, "grpc-status": "3", "grpc-message": "bad", "grpc-status-details-bin": Buffer.from(raw).toString("base64") }, []),
    );
    const error = await rejectionOf(() => c.unary({ message: "x" }));
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.statusDetails[0]?.typeUrl).toBe("type.googleapis.com/x.Y");
  });
});

describe("connection failures", () => {
  it("a connection that drops mid-call fails the call with UNAVAILABLE", async () => {
    const c = await clientFor((stream) => {
      stream.respond(GRPC_200);
      stream.write(reply("partial"), () => stream.session?.destroy());
    });
    const error = await rejectionOf(async () => {
      for await (const _ of c.serverStream({ message: "x" })) void _;
    });
    expect(error.code).toBe(Status.UNAVAILABLE);
  });

  it("a connection that drops before any response fails a unary call with UNAVAILABLE", async () => {
    const c = await clientFor((stream) => destroySessionSoon(stream));
    expect((await rejectionOf(() => c.unary({ message: "x" }))).code).toBe(Status.UNAVAILABLE);
  });
});

describe("transparent retry", () => {
  it("a unary call whose stream the server refuses (REFUSED_STREAM) is retried once and succeeds", async () => {
    let streams = 0;
    const c = await clientFor((stream) => {
      if (++streams === 1) return stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      answer(GRPC_200, [reply("second try")], { "grpc-status": "0" })(stream);
    });
    expect(await c.unary({ message: "x" })).toMatchObject({ message: "second try" });
    expect(streams).toBe(2);
  });

  it("a stream refused twice fails UNAVAILABLE", async () => {
    let streams = 0;
    const c = await clientFor((stream) => {
      streams++;
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
    });
    expect((await rejectionOf(() => c.unary({ message: "x" }))).code).toBe(Status.UNAVAILABLE);
    expect(streams).toBe(2);
  });

  it("a stream reset after response headers is not retried", async () => {
    let streams = 0;
    const c = await scriptedClientFor((streamId) => {
      streams++;
      return [
        headers(streamId, [[":status", "200"], ["content-type", "application/grpc"]]),
        frame(FrameType.DATA, 0, streamId, reply("partial")),
        rstStreamFrame(streamId, ErrorCode.REFUSED_STREAM),
      ];
    });
    expect((await rejectionOf(() => c.unary({ message: "x" }))).code).toBe(Status.UNAVAILABLE);
    expect(streams).toBe(1);
  });
});
