// One port for everything: gRPC over HTTP/2 (h2c or TLS), gRPC-Web and Connect over HTTP/1.1 or
// HTTP/2, CORS preflights, and plain pages from the server's httpHandler; what the listener
// answers when nothing serves a request; graceful close with HTTP/1.1 calls in flight.
import http2 from "node:http2";
import https from "node:https";
import { describe, expect, it } from "vitest";
import { createClient, closeClient } from "../../../src/client/client.js";
import { encodeFrame } from "../../../src/framing/frame.js";
import { Status } from "../../../src/status.js";
import { insecure, serverTls, channelTls } from "../../../src/transport/tls.js";
import { placeholderCerts, testCerts } from "../../helpers/certs.js";
import { requirePeer } from "../../helpers/peers.js";
import { startServer } from "../../helpers/start-server.js";
import { Echo, startBrowserEchoServer } from "./echo-handlers.js";
import { connectHttp2, fetchHttp1, readGrpcWebBody, requestHttp2 } from "./http-clients.js";

const PAGE = { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: "<h1>hello</h1>" };
const page = (request: { url: string }) => (request.url === "/" ? PAGE : undefined);
const hasOpenssl = requirePeer("TLS one-port tests", "openssl");
const certs = hasOpenssl ? testCerts() : placeholderCerts();

async function startEcho(options: Parameters<typeof startServer>[1] = {}, listen: Parameters<typeof startServer>[2] = {}) {
  return startServer((server) => server.addService(Echo, { unary: async (request) => ({ message: request.message }) }), options, listen);
}

describe("one port", () => {
  it("serves gRPC over h2c, and pages to HTTP/1.1 and HTTP/2 clients, from the same port", async () => {
    const { port, address } = await startEcho({ httpHandler: page });
    const client = createClient(Echo, { address, credentials: insecure() });
    try {
      expect(await client.unary({ message: "grpc" })).toMatchObject({ message: "grpc" });
    } finally {
      closeClient(client);
    }
    const http1 = await fetchHttp1(`http://127.0.0.1:${port}/`, { method: "GET" });
    expect([http1.status, http1.headers["content-type"], http1.body.toString()]).toEqual([200, "text/html; charset=utf-8", "<h1>hello</h1>"]);
    const http2 = await requestHttp2(connectHttp2(port), { ":method": "GET", ":path": "/" });
    expect([http2.status, http2.body.toString()]).toEqual([200, "<h1>hello</h1>"]);
    expect((await fetchHttp1(`http://127.0.0.1:${port}/missing`, { method: "GET" })).status).toBe(404);
  });

  it.skipIf(!hasOpenssl)("serves gRPC over TLS and HTTP/1.1 over TLS (ALPN http/1.1, or no ALPN) on the same port", async () => {
    const { port, address } = await startEcho({ httpHandler: page }, { credentials: serverTls({ cert: certs.serverCert, key: certs.serverKey }) });
    const client = createClient(Echo, { address, credentials: channelTls({ ca: certs.caCert, serverNameOverride: "localhost" }) });
    try {
      expect(await client.unary({ message: "tls" })).toMatchObject({ message: "tls" });
    } finally {
      closeClient(client);
    }
    for (const alpn of [{ ALPNProtocols: ["http/1.1"] }, {}]) {
      const options: https.RequestOptions = { host: "127.0.0.1", port, path: "/", ca: certs.caCert, servername: "localhost", agent: false, ...alpn };
      const body = await new Promise<string>((resolve, reject) => {
        const request = https.get(options, (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk.toString()));
          response.on("end", () => resolve(text));
        });
        request.on("error", reject);
      });
      expect(body).toBe("<h1>hello</h1>");
    }
  });

  it.skipIf(!hasOpenssl)("answers gRPC-Web over TLS on HTTP/1.1 and HTTP/2 (what browsers use with https)", async () => {
    const { port } = await startEcho({}, { credentials: serverTls({ cert: certs.serverCert, key: certs.serverKey }) });
    const frame = encodeFrame(Echo.methods.unary.requestSerializer.serialize({ message: "web" }));
    const headers = { "content-type": "application/grpc-web+proto" };
    const http1 = await new Promise<Buffer>((resolve, reject) => {
      const options: https.RequestOptions = { host: "127.0.0.1", port, method: "POST", path: "/h2grpc.test.Echo/Unary", headers, ca: certs.caCert, servername: "localhost", agent: false };
      const request = https.request(options, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve(Buffer.concat(chunks)));
      });
      request.on("error", reject);
      request.end(frame);
    });
    const session = http2.connect(`https://localhost:${port}`, { ca: certs.caCert, lookup: (_host, _options, callback) => callback(null, [{ address: "127.0.0.1", family: 4 }]) });
    try {
      const http2Response = await requestHttp2(session, { ":path": "/h2grpc.test.Echo/Unary", ...headers }, frame);
      for (const body of [http1, http2Response.body]) {
        const { messages, trailers } = readGrpcWebBody(body);
        expect(messages.map((message) => Echo.methods.unary.responseSerializer.deserialize(message).message)).toEqual(["web"]);
        expect(trailers?.["grpc-status"]).toBe("0");
      }
    } finally {
      session.destroy();
    }
  });

  it("answers with HTTP when nothing serves a request: 405 for GET, 415 for an unknown content-type, 505 for gRPC over HTTP/1.1", async () => {
    const { port } = await startEcho();
    const base = `http://127.0.0.1:${port}/h2grpc.test.Echo/Unary`;
    expect((await fetchHttp1(base, { method: "GET" })).status).toBe(405);
    expect((await fetchHttp1(base, { headers: { "content-type": "text/plain" }, body: "x" })).status).toBe(415);
    const grpcOverHttp1 = await fetchHttp1(base, { headers: { "content-type": "application/grpc" }, body: encodeFrame(new Uint8Array()) });
    expect(grpcOverHttp1.status).toBe(505);
    expect(grpcOverHttp1.body.toString()).toContain("gRPC requires HTTP/2");
  });

  it("answers 500 when the httpHandler throws, 404 when it returns nothing, and HEAD without a body", async () => {
    const { port } = await startEcho({
      httpHandler: (request) => {
        if (request.url === "/boom") throw new Error("boom");
        return request.url === "/" ? PAGE : undefined;
      },
    });
    const boom = await fetchHttp1(`http://127.0.0.1:${port}/boom`, { method: "GET" });
    expect([boom.status, boom.body.toString()]).toEqual([500, "httpHandler failed: boom\n"]);
    const head = await fetchHttp1(`http://127.0.0.1:${port}/`, { method: "HEAD" });
    expect([head.status, head.headers["content-length"], head.body.length]).toEqual([200, "14", 0]);
  });
});

describe("CORS", () => {
  const cors = { allowedOrigins: ["http://app.test:8080"], exposedHeaders: ["x-echo"] };

  it("answers a preflight from an allowed origin with the methods and the headers it asked for", async () => {
    const { port } = await startBrowserEchoServer({ cors });
    const response = await fetchHttp1(`http://127.0.0.1:${port}/h2grpc.test.Echo/Unary`, {
      method: "OPTIONS",
      headers: { origin: "http://app.test:8080", "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-grpc-web,x-echo" },
    });
    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject({
      "access-control-allow-origin": "http://app.test:8080",
      "access-control-allow-methods": "POST, GET",
      "access-control-allow-headers": "content-type,x-grpc-web,x-echo",
    });
  });

  it("refuses a preflight from another origin with 403 and no CORS headers", async () => {
    const { port } = await startBrowserEchoServer({ cors });
    const response = await fetchHttp1(`http://127.0.0.1:${port}/h2grpc.test.Echo/Unary`, { method: "OPTIONS", headers: { origin: "http://evil.test", "access-control-request-method": "POST" } });
    expect(response.status).toBe(403);
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("lets an allowed origin read the status headers of a response, and no other origin", async () => {
    const { port } = await startBrowserEchoServer({ cors });
    const call = (origin: string) => fetchHttp1(`http://127.0.0.1:${port}/h2grpc.test.Echo/Unary`, { headers: { origin, "content-type": "application/grpc-web" }, body: encodeFrame(new Uint8Array()) });
    const allowed = await call("http://app.test:8080");
    expect(allowed.headers["access-control-allow-origin"]).toBe("http://app.test:8080");
    expect(allowed.headers["access-control-expose-headers"]?.split(", ")).toEqual(expect.arrayContaining(["grpc-status", "grpc-message", "grpc-status-details-bin", "x-echo"]));
    expect((await call("http://evil.test")).headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("refuses an allowedOrigins entry that is not an origin, naming the fix", async () => {
    await expect(startBrowserEchoServer({ cors: { allowedOrigins: ["app.test"] } })).rejects.toThrow(/scheme:\/\/host\[:port\]/);
  });
});

describe("graceful close", () => {
  it("ends an HTTP/1.1 call still running at the end of the grace period with UNAVAILABLE in its protocol", async () => {
    const { port, server } = await startBrowserEchoServer();
    const request = Echo.methods.serverStream.requestSerializer.serialize({ message: "m", count: 1000, delayMs: 20 });
    const response = await fetch(`http://127.0.0.1:${port}/h2grpc.test.Echo/ServerStream`, { method: "POST", headers: { "content-type": "application/grpc-web" }, body: encodeFrame(request) });
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [(await reader.read()).value!];
    const closed = server.close({ graceMs: 50 });
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
    await closed;
    expect(readGrpcWebBody(Buffer.concat(chunks)).trailers?.["grpc-status"]).toBe(String(Status.UNAVAILABLE));
  });

  it("closes idle HTTP/1.1 keep-alive connections at once", async () => {
    const { port, server } = await startBrowserEchoServer();
    await fetchHttp1(`http://127.0.0.1:${port}/h2grpc.test.Echo/Unary`, { headers: { "content-type": "application/grpc-web" }, body: encodeFrame(new Uint8Array()) });
    // A ten-minute grace period: close() resolves within the test's timeout only if nothing waits for the idle connection.
    await server.close({ graceMs: 600_000 });
    await expect(fetchHttp1(`http://127.0.0.1:${port}/`, { method: "GET" })).rejects.toThrow();
  });
});
