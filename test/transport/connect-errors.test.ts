import { describe, expect, it } from "vitest";
import { GrpcError } from "../../src/grpc-error.js";
import { Metadata } from "../../src/metadata.js";
import { Status } from "../../src/status.js";
import { connectCodeName, encodeConnectError, encodeEndStream, httpStatusOfCode } from "../../src/transport/connect-errors.js";

// connectrpc.com/docs/protocol#error-codes: every code's name and the HTTP status of a unary error.
const TABLE: readonly [Status, string, number][] = [
  [Status.CANCELLED, "canceled", 499],
  [Status.UNKNOWN, "unknown", 500],
  [Status.INVALID_ARGUMENT, "invalid_argument", 400],
  [Status.DEADLINE_EXCEEDED, "deadline_exceeded", 504],
  [Status.NOT_FOUND, "not_found", 404],
  [Status.ALREADY_EXISTS, "already_exists", 409],
  [Status.PERMISSION_DENIED, "permission_denied", 403],
  [Status.RESOURCE_EXHAUSTED, "resource_exhausted", 429],
  [Status.FAILED_PRECONDITION, "failed_precondition", 400],
  [Status.ABORTED, "aborted", 409],
  [Status.OUT_OF_RANGE, "out_of_range", 400],
  [Status.UNIMPLEMENTED, "unimplemented", 501],
  [Status.INTERNAL, "internal", 500],
  [Status.UNAVAILABLE, "unavailable", 503],
  [Status.DATA_LOSS, "data_loss", 500],
  [Status.UNAUTHENTICATED, "unauthenticated", 401],
];

describe("Connect errors", () => {
  it.each(TABLE)("names status %i %s, sent under HTTP %i", (code, name, httpStatus) => {
    expect(connectCodeName(code)).toBe(name);
    expect(httpStatusOfCode(code)).toBe(httpStatus);
  });

  it("writes the error JSON: code, message when there is one, details as type name and unpadded base64", () => {
    const details = [{ typeUrl: "type.googleapis.com/google.rpc.RetryInfo", value: new Uint8Array([1, 2, 3, 4]) }];
    expect(JSON.parse(encodeConnectError(new GrpcError(Status.NOT_FOUND, "no ümlaut", undefined, { statusDetails: details })).toString())).toEqual({
      code: "not_found",
      message: "no ümlaut",
      details: [{ type: "google.rpc.RetryInfo", value: "AQIDBA" }],
    });
    expect(JSON.parse(encodeConnectError(new GrpcError(Status.INTERNAL, "")).toString())).toEqual({ code: "internal" });
  });

  it("writes the end-stream message: {} for OK, the error and the trailers (the error's metadata too) otherwise", () => {
    expect(encodeEndStream(undefined, undefined).toString()).toBe("{}");
    const trailers = new Metadata({ "x-a": "1", "x-b-bin": new Uint8Array([255]) });
    const error = new GrpcError(Status.ABORTED, "retry", new Metadata({ "x-c": "3" }));
    expect(JSON.parse(encodeEndStream(error, trailers).toString())).toEqual({
      error: { code: "aborted", message: "retry" },
      metadata: { "x-a": ["1"], "x-b-bin": ["/w"], "x-c": ["3"] },
    });
  });
});
