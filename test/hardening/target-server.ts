// Test helper: the h2grpc server the hardening tests attack (Echo's four kinds plus the health
// service), a check that it still answers a normal call on a new connection, and a guard that
// fails the test on any uncaught exception or unhandled rejection in the process.
import http2 from "node:http2";
import { afterEach, beforeEach, expect } from "vitest";
import { createHealthService } from "../../src/services/health.js";
import { serverTls } from "../../src/transport/tls.js";
import { testCerts } from "../helpers/certs.js";
import type { ServerOptions } from "../../src/server/server-options.js";
import { Echo, type EchoRequest } from "../helpers/echo.js";
import { connectRaw, grpcHeaders, rawFrame, sendRaw, statusOf } from "../helpers/raw-h2.js";
import { startServer } from "../helpers/start-server.js";

export const UNARY = "/h2grpc.test.Echo/Unary";
export const SERVER_STREAM = "/h2grpc.test.Echo/ServerStream";
export const CLIENT_STREAM = "/h2grpc.test.Echo/ClientStream";
export const BIDI = "/h2grpc.test.Echo/Bidi";
export const HEALTH_CHECK = "/grpc.health.v1.Health/Check";


/** Starts the target server: unary echoes, server-streaming sends `count` replies of `payload`, the streaming kinds echo. */
export async function startTargetServer(options: ServerOptions = {}, isTls = false): Promise<{ port: number; close(graceMs?: number): Promise<void> }> {
  const health = createHealthService();
  const certs = isTls ? testCerts() : undefined;
  const credentials = certs === undefined ? undefined : serverTls({ cert: certs.serverCert, key: certs.serverKey });
  const { server, port } = await startServer((s) => {
    s.addService(Echo, {
      async unary(request: EchoRequest) {
        return { message: request.message, payload: request.payload };
      },
      async *serverStream(request: EchoRequest) {
        for (let index = 0; index < Math.min(request.count, 10_000); index++) yield { message: request.message, index, payload: request.payload };
      },
      async clientStream(requests: AsyncIterable<EchoRequest>) {
        let count = 0;
        for await (const _ of requests) count++;
        return { message: "received", index: count };
      },
      async *bidi(requests: AsyncIterable<EchoRequest>) {
        for await (const request of requests) yield { message: request.message };
      },
    });
    s.addService(health.definition, health.implementation);
  }, options, credentials === undefined ? {} : { credentials });
  return { port, close: (graceMs = 0) => server.close({ graceMs }) };
}

/** An encoded EchoRequest frame. */
export function echoFrame(message: string, fields: Partial<EchoRequest> = {}): Buffer {
  return rawFrame(Echo.methods.unary!.requestSerializer.serialize({ message, ...fields }));
}

/** Makes a normal unary call on a fresh connection and expects OK with the echoed message. */
export async function expectServing(port: number, isTls = false): Promise<void> {
  const session = isTls ? connectRaw(port, { ca: testCerts().caCert }, `https://localhost:${port}`) : connectRaw(port);
  try {
    const response = await sendRaw(session, grpcHeaders(UNARY), [echoFrame("still serving")]);
    expect(statusOf(response).code).toBe(0);
    const reply = Echo.methods.unary!.responseSerializer.deserialize(response.body.subarray(5)) as { message: string };
    expect(reply.message).toBe("still serving");
  } finally {
    session.destroy();
  }
}

/** Collects every uncaught exception and unhandled rejection during each test and fails the test on any. */
export function failOnProcessErrors(): void {
  const errors: unknown[] = [];
  const record = (error: unknown): void => {
    errors.push(error);
  };
  beforeEach(() => {
    errors.length = 0;
    process.on("uncaughtException", record);
    process.on("unhandledRejection", record);
  });
  afterEach(() => {
    process.off("uncaughtException", record);
    process.off("unhandledRejection", record);
    expect(errors).toEqual([]);
  });
}

/** Resolves when `session` closes, whatever ended it. */
export function sessionClosed(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => (session.closed || session.destroyed ? resolve() : session.once("close", () => resolve())));
}
