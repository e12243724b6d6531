import { describe, expect, it } from "vitest";
import { Metadata } from "../../src/metadata.js";
import { buildRequestHeaders, GRPC_CONTENT_TYPE, isGrpcContentType, USER_AGENT } from "../../src/transport/grpc-headers.js";
import { VERSION } from "../../src/version.js";

const base = { path: "/h2grpc.test.Echo/Unary", authority: "127.0.0.1:50051", scheme: "http", acceptEncoding: "identity,gzip" } as const;

describe("gRPC request headers", () => {
  it.each([
    ["application/grpc", true],
    ["application/grpc+proto", true],
    ["application/grpc+json", true],
    ["application/grpc;charset=utf-8", true],
    ["application/grpcx", false],
    ["application/grpc-web", false],
    ["application/json", false],
    ["text/html", false],
    ["", false],
    [undefined, false],
  ])("treats content-type %j as gRPC: %s", (contentType, isGrpc) => {
    expect(isGrpcContentType(contentType)).toBe(isGrpc);
  });

  it("writes the reserved headers first, in the order PROTOCOL-HTTP2 gives, then custom metadata", () => {
    const headers = buildRequestHeaders({
      ...base,
      timeoutMs: 1500,
      encoding: "gzip",
      metadata: new Metadata({ "x-user": "ada", "x-trace-bin": new Uint8Array([1, 2, 3]) }),
    });
    expect(Object.keys(headers)).toEqual([
      ":method",
      ":scheme",
      ":path",
      ":authority",
      "content-type",
      "te",
      "grpc-timeout",
      "grpc-encoding",
      "grpc-accept-encoding",
      "user-agent",
      "x-user",
      "x-trace-bin",
    ]);
    expect(headers).toMatchObject({
      ":method": "POST",
      ":scheme": "http",
      ":path": "/h2grpc.test.Echo/Unary",
      ":authority": "127.0.0.1:50051",
      "content-type": GRPC_CONTENT_TYPE,
      te: "trailers",
      "grpc-timeout": "1500m",
      "grpc-encoding": "gzip",
      "grpc-accept-encoding": "identity,gzip",
      "x-trace-bin": "AQID",
      "user-agent": `h2grpc/${VERSION}`,
    });
  });

  it("leaves out grpc-timeout and grpc-encoding when there is no deadline or compression", () => {
    const headers = buildRequestHeaders(base);
    expect(headers).not.toHaveProperty("grpc-timeout");
    expect(headers).not.toHaveProperty("grpc-encoding");
    expect(headers["user-agent"]).toBe(USER_AGENT);
  });

  it("puts a user-agent from call metadata in front of h2grpc's own, as grpc-go does", () => {
    const headers = buildRequestHeaders({ ...base, metadata: new Metadata({ "user-agent": "my-app/2.1" }) });
    expect(headers["user-agent"]).toBe(`my-app/2.1 h2grpc/${VERSION}`);
  });
});
