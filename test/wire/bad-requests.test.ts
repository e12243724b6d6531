import { afterEach, describe, expect, it } from "vitest";
import type http2 from "node:http2";
import { Status } from "../../src/status.js";
import { Echo } from "../helpers/echo.js";
import { connectRaw, grpcHeaders, rawFrame, sendRaw, statusOf } from "../helpers/raw-h2.js";
import { startServer } from "../helpers/start-server.js";

const UNARY = "/h2grpc.test.Echo/Unary";
const sessions: http2.ClientHttp2Session[] = [];
afterEach(() => sessions.splice(0).forEach((s) => s.close()));

let handlerCalls = 0;
async function start(options = {}) {
  handlerCalls = 0;
  const { port } = await startServer(
    (s) =>
      s.addService(Echo, {
        async unary(request: { message: string }) {
          handlerCalls++;
          return { message: request.message };
        },
      }),
    options,
  );
  const session = connectRaw(port);
  sessions.push(session);
  return session;
}

const request = (message: string) => rawFrame(Echo.methods.unary!.requestSerializer.serialize({ message }));

describe("requests the server judges from their headers", () => {
  it("answers a non-gRPC content-type with HTTP 415 and INVALID_ARGUMENT, without calling the handler", async () => {
    const session = await start();
    // application/json would be a Connect call (same port): text/plain is no RPC protocol's.
    const response = await sendRaw(session, grpcHeaders(UNARY, { "content-type": "text/plain" }), [request("x")]);
    expect(response.headers[":status"]).toBe(415);
    expect(statusOf(response).code).toBe(Status.INVALID_ARGUMENT);
    expect(handlerCalls).toBe(0);
  });

  it("accepts application/grpc+proto", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders(UNARY, { "content-type": "application/grpc+proto" }), [request("x")]);
    expect(statusOf(response).code).toBe(Status.OK);
    expect(handlerCalls).toBe(1);
  });

  it("answers a GET with HTTP 405 and INTERNAL, as grpc-go does", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders(UNARY, { ":method": "GET" }));
    expect(response.headers[":status"]).toBe(405);
    expect(statusOf(response).code).toBe(Status.INTERNAL);
    expect(handlerCalls).toBe(0);
  });

  it("answers an unknown service with Trailers-Only UNIMPLEMENTED naming it", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders("/no.Such/Method"), [request("x")]);
    expect(response.headers[":status"]).toBe(200);
    expect(response.trailers).toBeUndefined(); // Trailers-Only: the status is in the headers
    expect(statusOf(response)).toEqual({ code: Status.UNIMPLEMENTED, message: "unknown service no.Such" });
  });

  it("answers an unknown method of a known service with UNIMPLEMENTED naming both", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders("/h2grpc.test.Echo/Nope"), [request("x")]);
    expect(statusOf(response)).toEqual({ code: Status.UNIMPLEMENTED, message: "unknown method Nope for service h2grpc.test.Echo" });
  });

  it("answers a method without a handler with UNIMPLEMENTED", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders("/h2grpc.test.Echo/Bidi"), [request("x")]);
    expect(statusOf(response).code).toBe(Status.UNIMPLEMENTED);
  });

  it("answers an unsupported grpc-encoding with UNIMPLEMENTED and lists the supported ones", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders(UNARY, { "grpc-encoding": "snappy" }), [request("x")]);
    expect(statusOf(response).code).toBe(Status.UNIMPLEMENTED);
    expect(String(response.headers["grpc-accept-encoding"]).split(",")).toEqual(expect.arrayContaining(["identity", "gzip", "deflate"]));
    expect(handlerCalls).toBe(0);
  });

  it("answers a malformed grpc-timeout with INTERNAL, as grpc-go does", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders(UNARY, { "grpc-timeout": "1000000000S" }), [request("x")]);
    expect(statusOf(response).code).toBe(Status.INTERNAL);
    expect(statusOf(response).message).toContain("grpc-timeout");
    expect(handlerCalls).toBe(0);
  });

  it("answers a unary call without a request message with INTERNAL", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders(UNARY));
    expect(statusOf(response).code).toBe(Status.INTERNAL);
    expect(handlerCalls).toBe(0);
  });

  it("answers a unary call with two request messages with INTERNAL", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders(UNARY), [request("a"), request("b")]);
    expect(statusOf(response).code).toBe(Status.INTERNAL);
    expect(handlerCalls).toBe(0);
  });
});

describe("malformed frames", () => {
  it("answers a compressed flag of 2 with INTERNAL and keeps serving other calls", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders(UNARY), [rawFrame(new Uint8Array([10, 1, 120]), 2)]);
    expect(statusOf(response).code).toBe(Status.INTERNAL);
    const next = await sendRaw(session, grpcHeaders(UNARY), [request("still here")]);
    expect(statusOf(next).code).toBe(Status.OK);
  });

  it("answers a stream that ends inside a message with INTERNAL", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders(UNARY), [request("truncated").subarray(0, 7)]);
    expect(statusOf(response)).toMatchObject({ code: Status.INTERNAL });
    expect(statusOf(response).message).toContain("ended inside a message");
  });

  it("answers a compressed message without grpc-encoding with INTERNAL", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders(UNARY), [rawFrame(new Uint8Array([10, 1, 120]), 1)]);
    expect(statusOf(response).code).toBe(Status.INTERNAL);
  });

  it("answers bytes that are not a valid message with INTERNAL", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders(UNARY), [rawFrame(new Uint8Array([0xff, 0xff, 0xff]))]);
    expect(statusOf(response).code).toBe(Status.INTERNAL);
  });

  it("answers a message length over maxReceiveMessageBytes with RESOURCE_EXHAUSTED before reading it", async () => {
    const session = await start({ maxReceiveMessageBytes: 1024 });
    const header = Buffer.from([0, 0, 0x10, 0, 0]); // announces 1 MiB, sends none of it
    const response = await sendRaw(session, grpcHeaders(UNARY), [header], false);
    expect(statusOf(response)).toEqual({ code: Status.RESOURCE_EXHAUSTED, message: "received message of 1048576 bytes, limit is 1024" });
    const next = await sendRaw(session, grpcHeaders(UNARY), [request("ok")]);
    expect(statusOf(next).code).toBe(Status.OK);
  });
});

describe("early answers to a client that is still sending", () => {
  it("delivers the status before resetting the stream with NO_ERROR", async () => {
    const session = await start();
    const response = await sendRaw(session, grpcHeaders("/no.Such/Method"), [request("x")], false);
    expect(statusOf(response)).toEqual({ code: Status.UNIMPLEMENTED, message: "unknown service no.Such" });
    expect(response.rstCode).toBe(0);
  });
});
