import { describe, expect, it } from "vitest";
import { GrpcError } from "../src/grpc-error.js";
import { Metadata } from "../src/metadata.js";
import { encodeRpcStatus } from "../src/rpc-status.js";
import { isStatus, Status } from "../src/status.js";

describe("GrpcError", () => {
  it("carries code, details and metadata, with a message naming the code", () => {
    const metadata = new Metadata({ "x-a": "1" });
    const error = new GrpcError(Status.NOT_FOUND, "user 42 not found", metadata);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("GrpcError");
    expect(error.message).toBe("[NOT_FOUND] user 42 not found");
    expect(error.code).toBe(Status.NOT_FOUND);
    expect(error.details).toBe("user 42 not found");
    expect(error.metadata).toBe(metadata);
    expect(new GrpcError(Status.INTERNAL, "x").metadata.size).toBe(0);
  });

  it("refuses Status.OK with RangeError (OK means no error)", () => {
    expect(() => new GrpcError(Status.OK, "fine")).toThrow(new RangeError("a GrpcError cannot carry Status.OK"));
  });

  it("keeps a cause without putting it in the message", () => {
    const cause = new Error("disk full");
    const error = new GrpcError(Status.INTERNAL, "write failed", undefined, { cause });
    expect(error.cause).toBe(cause);
    expect(error.message).toBe("[INTERNAL] write failed");
    expect(new GrpcError(Status.INTERNAL, "x")).not.toHaveProperty("cause");
  });

  it("names a code outside the enum by its number", () => {
    expect(new GrpcError(42 as Status, "odd").message).toBe("[42] odd");
  });

  it("returns the status details given, or decodes received grpc-status-details-bin on first access", () => {
    const details = [{ typeUrl: "type.googleapis.com/google.rpc.ErrorInfo", value: new Uint8Array([1, 2]) }];
    expect(new GrpcError(Status.ABORTED, "a", undefined, { statusDetails: details }).statusDetails).toBe(details);
    const raw = encodeRpcStatus({ code: Status.ABORTED, message: "a", details });
    const received = new GrpcError(Status.ABORTED, "a", undefined, { rawStatusDetails: raw });
    expect(received.rawStatusDetails).toBe(raw);
    expect(received.statusDetails.map((any) => ({ ...any, value: [...any.value] }))).toEqual([{ typeUrl: details[0]?.typeUrl, value: [1, 2] }]);
    expect(new GrpcError(Status.ABORTED, "a").statusDetails).toEqual([]);
    expect(new GrpcError(Status.ABORTED, "a", undefined, { rawStatusDetails: new Uint8Array([0xff]) }).statusDetails).toEqual([]);
  });

  it("from() returns a GrpcError as it is", () => {
    const error = new GrpcError(Status.DEADLINE_EXCEEDED, "deadline exceeded");
    expect(GrpcError.from(error)).toBe(error);
  });

  it("from() turns an Error into UNKNOWN with its message, keeping it as cause", () => {
    const cause = new TypeError("boom");
    const error = GrpcError.from(cause);
    expect(error.code).toBe(Status.UNKNOWN);
    expect(error.details).toBe("boom");
    expect(error.cause).toBe(cause);
    expect(GrpcError.from(cause, Status.INTERNAL).code).toBe(Status.INTERNAL);
    expect(GrpcError.from(cause, Status.OK).code).toBe(Status.UNKNOWN);
  });

  it("from() turns non-errors into text and AbortErrors into CANCELLED", () => {
    expect(GrpcError.from("plain").details).toBe("plain");
    expect(GrpcError.from(undefined).details).toBe("undefined");
    const controller = new AbortController();
    controller.abort();
    const cancelled = GrpcError.from(controller.signal.reason);
    expect(cancelled.code).toBe(Status.CANCELLED);
    expect(cancelled.details).toBe("call cancelled");
  });
});

describe("Status", () => {
  it("has the 17 codes of doc/statuscodes.md", () => {
    const names = Object.keys(Status).filter((key) => Number.isNaN(Number(key)));
    expect(names).toEqual([
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED",
    ]);
    expect(names.map((name) => Status[name as keyof typeof Status])).toEqual([...Array(17).keys()]);
  });

  it("recognises exactly the integers 0-16 as codes", () => {
    expect([0, 16].every(isStatus)).toBe(true);
    expect([-1, 17, 1.5, Number.NaN].some(isStatus)).toBe(false);
  });
});
