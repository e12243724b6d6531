/**
 * The 17 gRPC status codes (grpc/grpc doc/statuscodes.md). Each member says when h2grpc itself
 * raises it; every other use is the application's.
 */
export enum Status {
  /** Not an error; never carried by a GrpcError. */
  OK = 0,
  /** Raised when the caller's AbortSignal aborts, or the peer resets the stream with CANCEL. */
  CANCELLED = 1,
  /** Raised for a handler that throws something other than a GrpcError, and for trailers without grpc-status. */
  UNKNOWN = 2,
  /** Application use only. */
  INVALID_ARGUMENT = 3,
  /** Raised when a call's deadline passes, on either side. */
  DEADLINE_EXCEEDED = 4,
  /** Raised by the health service for an unknown service name. */
  NOT_FOUND = 5,
  /** Application use only. */
  ALREADY_EXISTS = 6,
  /** Application use only. */
  PERMISSION_DENIED = 7,
  /** Raised for a message over a size limit, and for a peer that pings too often. */
  RESOURCE_EXHAUSTED = 8,
  /** Application use only. */
  FAILED_PRECONDITION = 9,
  /** Application use only. */
  ABORTED = 10,
  /** Application use only. */
  OUT_OF_RANGE = 11,
  /** Raised for an unknown method or service, and an unsupported grpc-encoding. */
  UNIMPLEMENTED = 12,
  /** Raised for protocol violations: bad frames, undecodable messages, a malformed grpc-status. */
  INTERNAL = 13,
  /** Raised when a connection cannot be made or is lost, and on server shutdown. */
  UNAVAILABLE = 14,
  /** Application use only. */
  DATA_LOSS = 15,
  /** Raised when call credentials cannot be sent or produced. */
  UNAUTHENTICATED = 16,
}

/** Returns true for an integer that names one of the 17 codes. */
export function isStatus(code: number): code is Status {
  return Number.isInteger(code) && code >= 0 && code <= 16;
}
