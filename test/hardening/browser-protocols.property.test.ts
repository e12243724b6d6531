// Random and malformed gRPC-Web and Connect requests, over HTTP/1.1 and HTTP/2: every one gets
// its protocol's answer (a gRPC-Web status, Connect error JSON or end-stream message, or a plain
// HTTP error), never a crash or a hang, and the server keeps serving. Rerun a failure with
// FC_SEED=<seed> (test/helpers/property.ts).
import http from "node:http";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeFrame } from "../../src/framing/frame.js";
import { assertProperty } from "../helpers/property.js";
import { Echo, startBrowserEchoServer } from "../transport/browser/echo-handlers.js";
import { connectHttp2, readEnvelopes, readGrpcWebBody, requestHttp2, type CollectedResponse } from "../transport/browser/http-clients.js";

const RUNS = Number(process.env["FC_NUM_RUNS"] ?? 120);
const PATHS = ["/h2grpc.test.Echo/Unary", "/h2grpc.test.Echo/ServerStream", "/h2grpc.test.Echo/Bidi", "/h2grpc.test.Echo/Nope", "/no.Such/Thing", "/", "//x"];
const CONTENT_TYPES = [
  "application/grpc-web", "application/grpc-web+proto", "application/grpc-web+json", "application/grpc-web-text", "application/grpc-web+thrift",
  "application/proto", "application/json", "application/json; charset=latin1", "application/connect+proto", "application/connect+json", "text/plain",
];
const goodRequest = (): Uint8Array => encodeFrame(Echo.methods.unary.requestSerializer.serialize({ message: "fuzz", count: 2 }));

const headerValue = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 });
const extraHeader = fc.oneof(
  fc.tuple(fc.constant("grpc-timeout"), fc.oneof(fc.stringMatching(/^[0-9]{1,9}[HMSmun]$/), headerValue)),
  fc.tuple(fc.constant("connect-timeout-ms"), fc.oneof(fc.stringMatching(/^[0-9]{1,11}$/), headerValue)),
  fc.tuple(fc.constant("connect-protocol-version"), fc.constantFrom("1", "2", "")),
  fc.tuple(fc.constantFrom("grpc-encoding", "content-encoding", "connect-content-encoding"), fc.constantFrom("gzip", "identity", "br", "snappy")),
  fc.tuple(fc.constant("x-token-bin"), headerValue),
);
const bodyPart = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.constant(goodRequest()),
  fc.record({ flag: fc.constantFrom(0, 1, 2, 0x80, 0xff), payload: fc.uint8Array({ maxLength: 20 }) }).map(({ flag, payload }) => {
    const frame = encodeFrame(payload);
    frame[0] = flag;
    return frame;
  }),
  fc.constantFrom('{"message":"j"}', "{", "QUFBQQ==", "AAAA*AAA").map((text) => Buffer.from(text)),
);
const fuzzRequest = fc.record({
  method: fc.constantFrom("POST", "POST", "POST", "GET", "PUT", "OPTIONS"),
  path: fc.constantFrom(...PATHS),
  query: fc.constantFrom("", "?encoding=json&message=%7B%7D", "?encoding=proto&base64=1&message=%%%", "?encoding=xml&message=1", "?connect=v2&encoding=json&message=%7B%7D"),
  contentType: fc.constantFrom(...CONTENT_TYPES),
  headers: fc.array(extraHeader, { maxLength: 3 }),
  body: fc.array(bodyPart, { maxLength: 3 }),
  isHttp2: fc.boolean(),
});

type FuzzRequest = typeof fuzzRequest extends fc.Arbitrary<infer T> ? T : never;

function send(port: number, request: FuzzRequest, session: () => ReturnType<typeof connectHttp2>): Promise<CollectedResponse> {
  const headers: Record<string, string> = { "content-type": request.contentType };
  for (const [name, value] of request.headers) headers[name] = value;
  const body = Buffer.concat(request.body);
  const hasBody = request.method !== "GET";
  if (request.isHttp2) return requestHttp2(session(), { ":method": request.method, ":path": request.path + request.query, ...headers }, hasBody ? body : undefined);
  return new Promise((resolve, reject) => {
    const call = http.request({ host: "127.0.0.1", port, method: request.method, path: request.path + request.query, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers as Record<string, string>, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    call.on("error", reject);
    call.end(hasBody ? body : undefined);
  });
}

/** The protocol's answer, checked: throws when the response is not well formed for its content-type. */
function checkAnswer(request: FuzzRequest, response: CollectedResponse): string {
  const type = response.headers["content-type"] ?? "";
  if (type.startsWith("application/grpc-web")) {
    const isText = type.startsWith("application/grpc-web-text");
    const body = isText ? Buffer.concat((response.body.toString("latin1").match(/[^=]+=*/g) ?? []).map((part) => Buffer.from(part, "base64"))) : response.body;
    const status = response.headers["grpc-status"] ?? readGrpcWebBody(body).trailers?.["grpc-status"];
    expect(status, JSON.stringify(request)).toMatch(/^(?:[0-9]|1[0-6])$/);
    return `grpc-web ${status}`;
  }
  if (type.startsWith("application/connect+")) {
    expect(response.status).toBe(200);
    const last = readEnvelopes(response.body).at(-1);
    expect(last?.flag, JSON.stringify(request)).toBe(2);
    const end = JSON.parse(last?.payload.toString() ?? "") as { error?: { code: string } };
    return `connect-stream ${end.error?.code ?? "ok"}`;
  }
  if (response.status !== 200 && type === "application/json") {
    const error = JSON.parse(response.body.toString()) as { code: string };
    expect(error.code, JSON.stringify(request)).toMatch(/^[a-z_]+$/);
    return `connect ${error.code}`;
  }
  // A Connect unary reply, or a plain HTTP answer (415, 405, 404, 403, 505, 204 preflight).
  expect([200, 204, 400, 403, 404, 405, 415, 431, 505], JSON.stringify({ request, status: response.status })).toContain(response.status);
  return `http ${response.status}`;
}

describe("random and malformed gRPC-Web and Connect requests", () => {
  it("each get their protocol's answer over HTTP/1.1 and HTTP/2, and the server keeps serving", async () => {
    const { port } = await startBrowserEchoServer({ cors: { allowedOrigins: ["*"] } });
    let session: ReturnType<typeof connectHttp2> | undefined;
    const liveSession = (): ReturnType<typeof connectHttp2> => {
      if (session === undefined || session.closed || session.destroyed) session = connectHttp2(port);
      return session;
    };
    const seen = new Set<string>();
    await assertProperty(
      fc.asyncProperty(fuzzRequest, async (request) => {
        seen.add(checkAnswer(request, await send(port, request, liveSession)).split(" ")[0] as string);
      }),
      RUNS,
    );
    // The generator reached every kind of answer.
    expect([...seen].sort()).toEqual(["connect", "connect-stream", "grpc-web", "http"]);
    const good = await requestHttp2(connectHttp2(port), { ":method": "POST", ":path": "/h2grpc.test.Echo/Unary", "content-type": "application/grpc-web" }, goodRequest());
    expect(readGrpcWebBody(good.body).trailers?.["grpc-status"]).toBe("0");
  });
});
