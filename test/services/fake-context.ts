// Test helper: a ServerCallContext for calling service handlers directly, without a server.
import { GrpcError } from "../../src/grpc-error.js";
import { Metadata } from "../../src/metadata.js";
import type { AnyMethodDefinition } from "../../src/definition.js";
import type { ServerCallContext } from "../../src/server/call-context.js";
import { Status } from "../../src/status.js";

/** A context whose signal the test aborts with `cancel()` (reason: CANCELLED, as a client RST). */
export function fakeContext(method?: AnyMethodDefinition): { context: ServerCallContext; cancel: () => void } {
  const controller = new AbortController();
  const context: ServerCallContext = {
    method: method as AnyMethodDefinition,
    metadata: new Metadata(),
    signal: controller.signal,
    deadline: undefined,
    peer: "127.0.0.1:1",
    peerCertificate: undefined,
    header: new Metadata(),
    trailer: new Metadata(),
    sendHeader: () => undefined,
    setCompression: () => undefined,
  };
  return { context, cancel: () => controller.abort(new GrpcError(Status.CANCELLED, "client cancelled")) };
}

/** An async iterable of `items` for request streams. */
export async function* streamOf<T>(...items: T[]): AsyncGenerator<T> {
  yield* items;
}
