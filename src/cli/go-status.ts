// Status codes and errors as grpc-go prints them (codes.Code.String(), status.Error), which is
// what grpcurl and grpc_health_probe show.
import { GrpcError, Status } from "../index.js";

// codes/code_string.go: CamelCase, and "Canceled" with one l.
const GO_CODE_NAMES: Readonly<Record<number, string>> = {
  [Status.OK]: "OK",
  [Status.CANCELLED]: "Canceled",
  [Status.UNKNOWN]: "Unknown",
  [Status.INVALID_ARGUMENT]: "InvalidArgument",
  [Status.DEADLINE_EXCEEDED]: "DeadlineExceeded",
  [Status.NOT_FOUND]: "NotFound",
  [Status.ALREADY_EXISTS]: "AlreadyExists",
  [Status.PERMISSION_DENIED]: "PermissionDenied",
  [Status.RESOURCE_EXHAUSTED]: "ResourceExhausted",
  [Status.FAILED_PRECONDITION]: "FailedPrecondition",
  [Status.ABORTED]: "Aborted",
  [Status.OUT_OF_RANGE]: "OutOfRange",
  [Status.UNIMPLEMENTED]: "Unimplemented",
  [Status.INTERNAL]: "Internal",
  [Status.UNAVAILABLE]: "Unavailable",
  [Status.DATA_LOSS]: "DataLoss",
  [Status.UNAUTHENTICATED]: "Unauthenticated",
};

/** A status code as grpc-go names it ("DeadlineExceeded"); unknown codes as "Code(N)". */
export function goCodeName(code: number): string {
  return GO_CODE_NAMES[code] ?? `Code(${code})`;
}

/** An error as grpc-go's status.Error prints it: "rpc error: code = NotFound desc = …"; other errors by their message. */
export function goErrorText(error: unknown): string {
  if (error instanceof GrpcError) return `rpc error: code = ${goCodeName(error.code)} desc = ${error.details}`;
  return error instanceof Error ? error.message : String(error);
}
