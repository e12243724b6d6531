import { GrpcError } from "../../src/grpc-error.js";

/** Runs `run` and returns the GrpcError it throws; throws if it throws anything else or nothing. */
export function catchGrpcError(run: () => unknown): GrpcError {
  try {
    run();
  } catch (error) {
    if (error instanceof GrpcError) return error;
    throw error;
  }
  throw new Error("expected a GrpcError, but nothing was thrown");
}

/** Awaits `run` and returns the GrpcError it rejects with; throws if it rejects with anything else or resolves. */
export async function rejectionOf(run: () => unknown): Promise<GrpcError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof GrpcError) return error;
    throw error;
  }
  throw new Error("expected a GrpcError, but the promise resolved");
}
