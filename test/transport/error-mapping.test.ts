import http2 from "node:http2";
import { describe, expect, it } from "vitest";
import { Status } from "../../src/status.js";
import { describeRstCode, statusFromHttpStatus, statusFromNodeError, statusFromRstCode } from "../../src/transport/error-mapping.js";

const C = http2.constants;

describe("error mapping", () => {
  // PROTOCOL-HTTP2 §Errors, "HTTP2 Transport Mapping".
  it.each([
    [C.NGHTTP2_NO_ERROR, Status.INTERNAL],
    [C.NGHTTP2_PROTOCOL_ERROR, Status.INTERNAL],
    [C.NGHTTP2_INTERNAL_ERROR, Status.INTERNAL],
    [C.NGHTTP2_FLOW_CONTROL_ERROR, Status.INTERNAL],
    [C.NGHTTP2_SETTINGS_TIMEOUT, Status.INTERNAL],
    [C.NGHTTP2_FRAME_SIZE_ERROR, Status.INTERNAL],
    [C.NGHTTP2_REFUSED_STREAM, Status.UNAVAILABLE],
    [C.NGHTTP2_CANCEL, Status.CANCELLED],
    [C.NGHTTP2_COMPRESSION_ERROR, Status.INTERNAL],
    [C.NGHTTP2_CONNECT_ERROR, Status.INTERNAL],
    [C.NGHTTP2_ENHANCE_YOUR_CALM, Status.RESOURCE_EXHAUSTED],
    [C.NGHTTP2_INADEQUATE_SECURITY, Status.PERMISSION_DENIED],
    [C.NGHTTP2_HTTP_1_1_REQUIRED, Status.INTERNAL],
    [99, Status.INTERNAL],
  ])("maps RST_STREAM code %i as the spec says", (rstCode, status) => {
    expect(statusFromRstCode(rstCode)).toBe(status);
  });

  it("names RST_STREAM codes for error messages", () => {
    expect(describeRstCode(C.NGHTTP2_CANCEL)).toBe("CANCEL (8)");
    expect(describeRstCode(C.NGHTTP2_HTTP_1_1_REQUIRED)).toBe("HTTP_1_1_REQUIRED (13)");
    expect(describeRstCode(42)).toBe("code (42)");
  });

  it.each([
    [100, Status.INTERNAL],
    [199, Status.INTERNAL],
    [200, Status.UNKNOWN],
    [301, Status.UNKNOWN],
    [400, Status.INTERNAL],
    [401, Status.UNAUTHENTICATED],
    [403, Status.PERMISSION_DENIED],
    [404, Status.UNIMPLEMENTED],
    [418, Status.UNKNOWN],
    [429, Status.UNAVAILABLE],
    [500, Status.UNKNOWN],
    [502, Status.UNAVAILABLE],
    [503, Status.UNAVAILABLE],
    [504, Status.UNAVAILABLE],
  ])("maps HTTP status %i without grpc-status per http-grpc-status-mapping.md", (httpStatus, status) => {
    expect(statusFromHttpStatus(httpStatus)).toBe(status);
  });

  it.each([
    ["ECONNREFUSED", Status.UNAVAILABLE],
    ["ECONNRESET", Status.UNAVAILABLE],
    ["ENOTFOUND", Status.UNAVAILABLE],
    ["ENOENT", Status.UNAVAILABLE],
    ["ERR_HTTP2_GOAWAY_SESSION", Status.UNAVAILABLE],
    ["ERR_HTTP2_STREAM_CANCEL", Status.CANCELLED],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", Status.UNAVAILABLE],
    ["ERR_HTTP2_ERROR", Status.INTERNAL],
    ["SOMETHING_NEW", Status.UNAVAILABLE],
  ])("maps node error %s", (code, status) => {
    expect(statusFromNodeError(Object.assign(new Error("x"), { code }))).toBe(status);
  });

  it("maps errors without a code, and non-errors, to UNAVAILABLE", () => {
    expect(statusFromNodeError(new Error("socket hang up"))).toBe(Status.UNAVAILABLE);
    expect(statusFromNodeError(null)).toBe(Status.UNAVAILABLE);
    expect(statusFromNodeError("boom")).toBe(Status.UNAVAILABLE);
  });
});
