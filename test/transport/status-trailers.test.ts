import { describe, expect, it } from "vitest";
import { GrpcError } from "../../src/grpc-error.js";
import { encodeBinaryValue, Metadata, type OutgoingHeaderValues, type RawHeaders } from "../../src/metadata.js";
import { encodeRpcStatus } from "../../src/rpc-status.js";
import { Status } from "../../src/status.js";
import {
  errorFromResponseHeaders,
  errorTrailers,
  okTrailers,
  statusFromTrailers,
  trailersOnlyResponse,
} from "../../src/transport/status-trailers.js";

/** Headers as node:http2 would hand over what `out` put on the wire (numbers become strings). */
function received(out: OutgoingHeaderValues): RawHeaders {
  return Object.fromEntries(Object.entries(out).map(([key, value]) => [key, typeof value === "number" ? String(value) : value]));
}

const details = [{ typeUrl: "type.googleapis.com/google.rpc.RetryInfo", value: new Uint8Array([10, 2, 8, 5]) }];

describe("status trailers", () => {
  it("ends an OK call with grpc-status 0 and the user's trailers", () => {
    expect(okTrailers()).toEqual({ "grpc-status": "0" });
    expect(okTrailers(new Metadata({ "x-count": "3", "x-raw-bin": new Uint8Array([255]) }))).toEqual({
      "grpc-status": "0",
      "x-count": "3",
      "x-raw-bin": "/w",
    });
  });

  it("writes a failed call's status, percent-encoded message and metadata", () => {
    const error = new GrpcError(Status.NOT_FOUND, "user 42 not found: 100%", new Metadata({ "x-reason": "gone" }));
    expect(errorTrailers(error, new Metadata({ "x-trailer": "t" }))).toEqual({
      "x-trailer": "t",
      "x-reason": "gone",
      "grpc-status": "5",
      "grpc-message": "user 42 not found: 100%25",
    });
    expect(errorTrailers(new GrpcError(Status.ABORTED, ""))).toEqual({ "grpc-status": "10" });
  });

  it("round-trips code, message, metadata and grpc-status-details-bin through trailers", () => {
    const sent = new GrpcError(Status.UNAVAILABLE, "retry later \u2014 bientôt", new Metadata({ "x-id": "7" }), { statusDetails: details });
    const trailers = received(errorTrailers(sent));
    expect(trailers["grpc-status-details-bin"]).toBe(encodeBinaryValue(encodeRpcStatus({ code: 14, message: sent.details, details })));
    const got = statusFromTrailers(trailers);
    expect(got).toBeInstanceOf(GrpcError);
    expect(got?.code).toBe(Status.UNAVAILABLE);
    expect(got?.details).toBe("retry later \u2014 bientôt");
    expect(got?.metadata.get("x-id")).toBe("7");
    expect(got?.statusDetails).toEqual(details);
    expect(got?.metadata.has("grpc-status")).toBe(false);
  });

  it("forwards received grpc-status-details-bin bytes unchanged", () => {
    const raw = encodeRpcStatus({ code: 3, message: "bad", details });
    const relayed = new GrpcError(Status.INVALID_ARGUMENT, "bad", undefined, { rawStatusDetails: raw });
    expect(errorTrailers(relayed)["grpc-status-details-bin"]).toBe(encodeBinaryValue(raw));
  });

  it("accepts padded base64 in grpc-status-details-bin", () => {
    const raw = encodeRpcStatus({ code: 3, message: "x", details });
    const got = statusFromTrailers({ "grpc-status": "3", "grpc-status-details-bin": Buffer.from(raw).toString("base64") });
    expect(got?.statusDetails).toEqual(details);
  });

  it("builds a Trailers-Only response: :status 200, content-type, status and headers in one block", () => {
    const error = new GrpcError(Status.UNIMPLEMENTED, "unknown method /a.B/C");
    expect(trailersOnlyResponse(error, new Metadata({ "x-t": "1" }), new Metadata({ "x-h": "2" }))).toEqual({
      ":status": 200,
      "content-type": "application/grpc",
      "x-h": "2",
      "x-t": "1",
      "grpc-status": "12",
      "grpc-message": "unknown method /a.B/C",
    });
  });

  it("reads grpc-status 0 as success", () => {
    expect(statusFromTrailers({ "grpc-status": "0", "grpc-message": "ignored" })).toBeUndefined();
  });

  it("#10 reads a missing grpc-status as UNKNOWN (as grpc-go, grpc-java and grpc-js do), keeping the trailers as metadata", () => {
    const got = statusFromTrailers({ "x-k": "v" });
    expect(got?.code).toBe(Status.UNKNOWN);
    expect(got?.details).toBe("server closed the stream without sending grpc-status");
    expect(got?.metadata.get("x-k")).toBe("v");
  });

  it.each(["", "abc", "-1", "1.5", " 1"])("reads malformed grpc-status %j as INTERNAL", (value) => {
    const got = statusFromTrailers({ "grpc-status": value });
    expect(got?.code).toBe(Status.INTERNAL);
    expect(got?.details).toBe(`received malformed grpc-status ${JSON.stringify(value)}`);
  });

  it("reads a grpc-status outside 0-16 as UNKNOWN, keeping the message", () => {
    const got = statusFromTrailers({ "grpc-status": "17", "grpc-message": "from the future" });
    expect(got?.code).toBe(Status.UNKNOWN);
    expect(got?.details).toBe("from the future");
  });

  it("reads every code 1-16 as itself", () => {
    for (let code = 1; code <= 16; code++) expect(statusFromTrailers({ "grpc-status": String(code) })?.code).toBe(code);
  });
});

describe("errorFromResponseHeaders", () => {
  it("accepts a 200 gRPC response", () => {
    expect(errorFromResponseHeaders({ ":status": "200", "content-type": "application/grpc+proto" })).toBeUndefined();
  });

  it.each([
    ["400", Status.INTERNAL],
    ["401", Status.UNAUTHENTICATED],
    ["403", Status.PERMISSION_DENIED],
    ["404", Status.UNIMPLEMENTED],
    ["429", Status.UNAVAILABLE],
    ["502", Status.UNAVAILABLE],
    ["503", Status.UNAVAILABLE],
    ["504", Status.UNAVAILABLE],
    ["500", Status.UNKNOWN],
  ])("maps HTTP %s without grpc-status as http-grpc-status-mapping.md says", (httpStatus, code) => {
    const got = errorFromResponseHeaders({ ":status": httpStatus, "content-type": "text/html" });
    expect(got?.code).toBe(code);
    expect(got?.details).toBe(`received HTTP status ${httpStatus} without grpc-status`);
  });

  it("prefers grpc-status over the HTTP status when both are present", () => {
    const got = errorFromResponseHeaders({ ":status": "503", "grpc-status": "8", "grpc-message": "slow down" });
    expect(got?.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(got?.details).toBe("slow down");
  });

  it("rejects a 200 response with a non-gRPC or missing content-type as UNKNOWN", () => {
    const html = errorFromResponseHeaders({ ":status": "200", "content-type": "text/html" });
    expect(html?.code).toBe(Status.UNKNOWN);
    expect(html?.details).toBe('received non-gRPC content-type "text/html"');
    expect(errorFromResponseHeaders({ ":status": "200" })?.details).toBe('received non-gRPC content-type ""');
  });
});
