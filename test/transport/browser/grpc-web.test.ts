// gRPC-Web (grpc doc/PROTOCOL-WEB.md) end to end against the transport's GrpcWebCallStream, over
// HTTP/1.1 (fetch) and HTTP/2 (node:http2), on the seam pipeline (test/helpers/seam-pipeline.ts).
import { describe, expect, it } from "vitest";
import { encodeFrame } from "../../../src/framing/frame.js";
import { decodeRpcStatus } from "../../../src/rpc-status.js";
import { Status } from "../../../src/status.js";
import type { EchoReply__Output, EchoRequest } from "../../protos/gen/echo.js";
import { Echo, ERROR_INFO, startBrowserEchoServer } from "./echo-handlers.js";
import { connectHttp2, fetchHttp1, readGrpcWebBody, requestHttp2 } from "./http-clients.js";

const request = (fields: EchoRequest): Buffer => encodeFrame(Echo.methods.unary.requestSerializer.serialize(fields));
const reply = (payload: Buffer): EchoReply__Output => Echo.methods.unary.responseSerializer.deserialize(payload);

async function start(): Promise<string> {
  return (await startBrowserEchoServer()).baseUrl;
}

describe("gRPC-Web over HTTP/1.1", () => {
  it("answers a unary call with the reply frame and a 0x80 trailers frame holding grpc-status 0", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { "content-type": "application/grpc-web+proto", "x-grpc-web": "1" }, body: request({ message: "hi" }) });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/grpc-web+proto");
    expect(response.headers["grpc-accept-encoding"]).toBe("identity,gzip,deflate");
    const { messages, trailers } = readGrpcWebBody(response.body);
    expect(messages.map(reply)).toMatchObject([{ message: "echo:hi", id: "9007199254740993" }]);
    expect(trailers).toEqual({ "grpc-status": "0" });
  });

  it("streams server replies, then the trailers frame", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/ServerStream`, { headers: { "content-type": "application/grpc-web" }, body: request({ message: "s", count: 3 }) });
    const { messages, trailers } = readGrpcWebBody(response.body);
    expect(messages.map(reply).map((m) => m.index)).toEqual([0, 1, 2]);
    expect(trailers?.["grpc-status"]).toBe("0");
  });

  it("sends an error before any reply as a Trailers-Only response: the status and details in the HTTP headers, no body", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { "content-type": "application/grpc-web+proto" }, body: request({ message: "fail" }) });
    expect(response.status).toBe(200);
    expect(response.headers["grpc-status"]).toBe(String(Status.NOT_FOUND));
    expect(decodeURIComponent(response.headers["grpc-message"] ?? "")).toBe("no such thing: ümlaut");
    const details = decodeRpcStatus(Buffer.from(response.headers["grpc-status-details-bin"] ?? "", "base64"));
    expect(details?.details.map((any) => any.typeUrl)).toEqual([ERROR_INFO.typeUrl]);
    expect(response.body.length).toBe(0);
  });

  it("sends an error after replies in the trailers frame", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/ServerStream`, { headers: { "content-type": "application/grpc-web+proto" }, body: request({ message: "fail", count: 2 }) });
    const { messages, trailers } = readGrpcWebBody(response.body);
    expect(messages).toHaveLength(2);
    expect(trailers?.["grpc-status"]).toBe(String(Status.RESOURCE_EXHAUSTED));
    expect(trailers?.["grpc-status-details-bin"]).toBeDefined();
  });

  it("ends a call past its grpc-timeout with DEADLINE_EXCEEDED", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { "content-type": "application/grpc-web+proto", "grpc-timeout": "50m" }, body: request({ message: "slow", delayMs: 60_000 }) });
    expect(response.headers["grpc-status"]).toBe(String(Status.DEADLINE_EXCEEDED));
  });

  it("passes request metadata to the handler and sends its headers and trailers back", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { "content-type": "application/grpc-web+proto", "x-echo": "abc" }, body: request({ message: "m" }) });
    expect(response.headers["x-echo"]).toBe("abc");
    expect(readGrpcWebBody(response.body).trailers).toEqual({ "x-echo-trailer": "abc", "grpc-status": "0" });
  });

  it("reads and writes grpc-web-text: a base64 body whose writes were padded each on their own", async () => {
    const base = await start();
    const frame = request({ message: "txt" });
    // Header and payload encoded apart, so padding ends the first part: PROTOCOL-WEB allows it mid-stream.
    const body = frame.subarray(0, 5).toString("base64") + frame.subarray(5).toString("base64");
    expect(body.slice(0, 8)).toMatch(/=$/);
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { "content-type": "application/grpc-web-text", accept: "application/grpc-web-text" }, body });
    expect(response.headers["content-type"]).toBe("application/grpc-web-text+proto");
    const decoded = Buffer.concat(response.body.toString("latin1").match(/[^=]+=*/g)!.map((part) => Buffer.from(part, "base64")));
    const { messages, trailers } = readGrpcWebBody(decoded);
    expect(messages.map(reply)).toMatchObject([{ message: "echo:txt" }]);
    expect(trailers?.["grpc-status"]).toBe("0");
  });

  it("reads and writes JSON messages for application/grpc-web+json", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { "content-type": "application/grpc-web+json" }, body: encodeFrame(Buffer.from('{"message":"j"}')) });
    expect(response.headers["content-type"]).toBe("application/grpc-web+json");
    const { messages } = readGrpcWebBody(response.body);
    expect(messages.map((m) => m.toString())).toEqual(['{"message":"echo:j","id":"9007199254740993"}']);
  });

  it("answers broken request bodies with INTERNAL (bad base64, a truncated frame, a trailers flag) and keeps serving", async () => {
    const base = await start();
    const url = `${base}/h2grpc.test.Echo/Unary`;
    const badText = await fetchHttp1(url, { headers: { "content-type": "application/grpc-web-text" }, body: "AAAA*AAA" });
    const truncated = await fetchHttp1(url, { headers: { "content-type": "application/grpc-web" }, body: request({ message: "x" }).subarray(0, 7) });
    const trailerFlag = await fetchHttp1(url, { headers: { "content-type": "application/grpc-web" }, body: Buffer.from([0x80, 0, 0, 0, 0]) });
    for (const response of [badText, truncated, trailerFlag]) expect(response.headers["grpc-status"]).toBe(String(Status.INTERNAL));
    const good = await fetchHttp1(url, { headers: { "content-type": "application/grpc-web" }, body: request({ message: "ok" }) });
    expect(readGrpcWebBody(good.body).trailers?.["grpc-status"]).toBe("0");
  });

  it("answers a malformed grpc-timeout with INTERNAL, as gRPC does", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { "content-type": "application/grpc-web", "grpc-timeout": "soon" }, body: request({}) });
    expect(response.headers["grpc-status"]).toBe(String(Status.INTERNAL));
  });
});

describe("gRPC-Web over HTTP/2", () => {
  it("answers a unary call from a Node HTTP/2 client", async () => {
    const { port } = await startBrowserEchoServer();
    const response = await requestHttp2(connectHttp2(port), { ":path": "/h2grpc.test.Echo/Unary", "content-type": "application/grpc-web+proto" }, request({ message: "h2" }));
    const { messages, trailers } = readGrpcWebBody(response.body);
    expect(messages.map(reply)).toMatchObject([{ message: "echo:h2" }]);
    expect(trailers?.["grpc-status"]).toBe("0");
  });

  it("carries a bidi call both ways at once: each reply arrives before the next request is sent", async () => {
    const { port } = await startBrowserEchoServer();
    const stream = connectHttp2(port).request({ ":method": "POST", ":path": "/h2grpc.test.Echo/Bidi", "content-type": "application/grpc-web+proto" });
    const received: Buffer[] = [];
    let wake: (() => void) | undefined;
    stream.on("data", (chunk: Buffer) => (received.push(chunk), wake?.()));
    const ended = new Promise((resolve) => stream.on("end", resolve));
    const nextChunk = (): Promise<void> => new Promise((resolve) => (wake = resolve));
    for (const message of ["a", "b"]) {
      const arrived = nextChunk();
      stream.write(request({ message }));
      await arrived;
    }
    stream.end();
    await ended;
    const { messages, trailers } = readGrpcWebBody(Buffer.concat(received));
    expect(messages.map(reply).map((m) => m.message)).toEqual(["a", "b"]);
    expect(trailers?.["grpc-status"]).toBe("0");
  });
});
