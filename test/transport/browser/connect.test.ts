// The Connect protocol (connectrpc.com/docs/protocol) end to end against the transport's
// Connect streams, over HTTP/1.1 (fetch, curl) and HTTP/2, on the seam pipeline.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadService } from "../../../src/codec/load-service.js";
import { encodeFrame } from "../../../src/framing/frame.js";
import { requirePeer } from "../../helpers/peers.js";
import { startServer } from "../../helpers/start-server.js";
import type { EchoReply__Output, EchoRequest } from "../../protos/gen/echo.js";
import type { IdempotencyDefinition } from "../../protos/gen/idempotency.js";
import { Echo, echoImpl, startBrowserEchoServer } from "./echo-handlers.js";
import { connectHttp2, fetchHttp1, readEnvelopes, requestHttp2 } from "./http-clients.js";

const Idempotency = loadService<IdempotencyDefinition>(fileURLToPath(new URL("../../protos/idempotency.proto", import.meta.url)), "h2grpc.test.Idempotency");
const lookup = async (request: { name: string }) => ({ name: `found ${request.name}` });
const serialize = (fields: EchoRequest): Uint8Array => Echo.methods.unary.requestSerializer.serialize(fields);
const reply = (payload: Uint8Array): EchoReply__Output => Echo.methods.unary.responseSerializer.deserialize(payload);
// Asynchronous: the server runs in this process, so the event loop must keep turning while curl waits.
const curl = async (...args: string[]): Promise<string> => (await promisify(execFile)("curl", ["-sS", "--max-time", "20", ...args], { encoding: "utf8" })).stdout;
const JSON_HEADERS = { "content-type": "application/json", "connect-protocol-version": "1" };

async function start(): Promise<string> {
  const { port } = await startServer((server) => server.addService(Echo, echoImpl).addService(Idempotency, { lookup, replace: lookup, append: lookup }));
  return `http://127.0.0.1:${port}`;
}

describe("Connect unary", () => {
  it("answers application/proto with the reply as the whole body", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { "content-type": "application/proto" }, body: serialize({ message: "p" }) });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/proto");
    expect(reply(response.body)).toMatchObject({ message: "echo:p" });
  });

  it("answers application/json in the proto3 JSON mapping, trailers as trailer-* headers", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { ...JSON_HEADERS, "x-echo": "v" }, body: '{"message":"j"}' });
    expect(response.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(response.body.toString())).toEqual({ message: "echo:j", id: "9007199254740993" });
    expect(response.headers["x-echo"]).toBe("v");
    expect(response.headers["trailer-x-echo-trailer"]).toBe("v");
  });

  it("answers an error with its HTTP status and the Connect error JSON: code name, message, details", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: JSON_HEADERS, body: '{"message":"fail"}' });
    expect(response.status).toBe(404);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(response.body.toString())).toEqual({
      code: "not_found",
      message: "no such thing: ümlaut",
      details: [{ type: "google.rpc.ErrorInfo", value: Buffer.from([0x0a, 0x04, ...Buffer.from("nope"), 0x12, 0x04, ...Buffer.from("test")]).toString("base64").replace(/=+$/, "") }],
    });
  });

  it("answers JSON that does not fit the request type with invalid_argument (400)", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: JSON_HEADERS, body: '{"noSuchField":1}' });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body.toString())).toMatchObject({ code: "invalid_argument" });
  });

  it("ends a call past connect-timeout-ms with deadline_exceeded (504), and answers a malformed one with invalid_argument", async () => {
    const base = await start();
    const late = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { ...JSON_HEADERS, "connect-timeout-ms": "50" }, body: '{"delayMs":60000}' });
    expect(late.status).toBe(504);
    expect(JSON.parse(late.body.toString())).toMatchObject({ code: "deadline_exceeded" });
    const malformed = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { ...JSON_HEADERS, "connect-timeout-ms": "12345678901" }, body: "{}" });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body.toString())).toMatchObject({ code: "invalid_argument" });
  });

  it("refuses a connect-protocol-version other than 1 with invalid_argument", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { ...JSON_HEADERS, "connect-protocol-version": "2" }, body: "{}" });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body.toString()).message).toContain("connect-protocol-version");
  });

  it("reads a gzip body (content-encoding)", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { ...JSON_HEADERS, "content-encoding": "gzip" }, body: zlib.gzipSync('{"message":"z"}') });
    expect(JSON.parse(response.body.toString())).toMatchObject({ message: "echo:z" });
  });

  it("answers a unary content-type for a streaming method with 415", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/ServerStream`, { headers: JSON_HEADERS, body: "{}" });
    expect(response.status).toBe(415);
  });

  it("answers over HTTP/2 as over HTTP/1.1", async () => {
    const { port } = await startBrowserEchoServer();
    const response = await requestHttp2(connectHttp2(port), { ":path": "/h2grpc.test.Echo/Unary", ...JSON_HEADERS }, Buffer.from('{"message":"h2"}'));
    expect(JSON.parse(response.body.toString())).toMatchObject({ message: "echo:h2" });
  });

  it.skipIf(!requirePeer("Connect with curl", "curl"))("answers curl's JSON POST, as the Connect docs show it", async () => {
    const base = await start();
    const stdout = await curl("-H", "Content-Type: application/json", "-d", '{"message":"curl"}', `${base}/h2grpc.test.Echo/Unary`);
    expect(JSON.parse(stdout)).toEqual({ message: "echo:curl", id: "9007199254740993" });
  });
});

describe("Connect GET", () => {
  it("serves a NO_SIDE_EFFECTS method from its query, as JSON text or base64 protobuf", async () => {
    const base = await start();
    const path = `${base}/h2grpc.test.Idempotency/Lookup`;
    const json = await fetchHttp1(`${path}?connect=v1&encoding=json&message=${encodeURIComponent('{"name":"a+b"}')}`, { method: "GET" });
    expect(JSON.parse(json.body.toString())).toEqual({ name: "found a+b" });
    const message = Buffer.from(Idempotency.methods.lookup.requestSerializer.serialize({ name: "b64" })).toString("base64url");
    const proto = await fetchHttp1(`${path}?connect=v1&encoding=proto&base64=1&message=${message}`, { method: "GET" });
    expect(proto.headers["content-type"]).toBe("application/proto");
    expect(Idempotency.methods.lookup.responseSerializer.deserialize(proto.body)).toEqual({ name: "found b64" });
  });

  it("refuses GET for methods without idempotency_level = NO_SIDE_EFFECTS with 405", async () => {
    const base = await start();
    for (const method of ["Replace", "Append"]) {
      const response = await fetchHttp1(`${base}/h2grpc.test.Idempotency/${method}?encoding=json&message=%7B%7D`, { method: "GET" });
      expect(response.status).toBe(405);
      expect(response.headers["allow"]).toBe("POST");
    }
  });

  it.skipIf(!requirePeer("Connect GET with curl", "curl"))("answers curl's GET", async () => {
    const base = await start();
    const stdout = await curl("--get", "--data-urlencode", "encoding=json", "--data-urlencode", 'message={"name":"c"}', `${base}/h2grpc.test.Idempotency/Lookup`);
    expect(JSON.parse(stdout)).toEqual({ name: "found c" });
  });
});

describe("Connect streaming", () => {
  it("streams enveloped replies, then the end-stream message with the trailers", async () => {
    const base = await start();
    const body = encodeFrame(Buffer.from('{"message":"s","count":2}'));
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/ServerStream`, { headers: { "content-type": "application/connect+json", "x-echo": "t" }, body });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/connect+json");
    const envelopes = readEnvelopes(response.body);
    expect(envelopes.map((e) => e.flag)).toEqual([0, 0, 2]);
    expect(envelopes.slice(0, 2).map((e) => JSON.parse(e.payload.toString()))).toEqual([{ message: "s" }, { message: "s", index: 1 }]);
    expect(JSON.parse(envelopes[2]!.payload.toString())).toEqual({});
  });

  it("sends an error in the end-stream message, under HTTP 200", async () => {
    const base = await start();
    const response = await fetchHttp1(`${base}/h2grpc.test.Echo/ServerStream`, { headers: { "content-type": "application/connect+proto" }, body: encodeFrame(serialize({ message: "fail", count: 1 })) });
    expect(response.status).toBe(200);
    const envelopes = readEnvelopes(response.body);
    expect(envelopes.map((e) => e.flag)).toEqual([0, 2]);
    expect(JSON.parse(envelopes[1]!.payload.toString())).toMatchObject({ error: { code: "resource_exhausted", message: "stopped after the replies" } });
  });

  it("answers a streaming content-type for a unary method with 415, and a broken envelope with an end-stream error", async () => {
    const base = await start();
    const wrongKind = await fetchHttp1(`${base}/h2grpc.test.Echo/Unary`, { headers: { "content-type": "application/connect+json" }, body: encodeFrame(Buffer.from("{}")) });
    expect(wrongKind.status).toBe(415);
    const broken = await fetchHttp1(`${base}/h2grpc.test.Echo/ServerStream`, { headers: { "content-type": "application/connect+json" }, body: Buffer.from([0, 0, 0, 0, 9, 1]) });
    expect(JSON.parse(readEnvelopes(broken.body).at(-1)!.payload.toString())).toMatchObject({ error: { code: "internal" } });
  });

  it("carries client streaming over HTTP/2", async () => {
    const { port } = await startBrowserEchoServer();
    const body = Buffer.concat(["x", "y"].map((message) => encodeFrame(serialize({ message }))));
    const response = await requestHttp2(connectHttp2(port), { ":path": "/h2grpc.test.Echo/ClientStream", "content-type": "application/connect+proto" }, body);
    const envelopes = readEnvelopes(response.body);
    expect(reply(envelopes[0]!.payload)).toMatchObject({ message: "x,y" });
    expect(envelopes[1]!.flag).toBe(2);
  });
});
