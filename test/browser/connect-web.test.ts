// Done-when of issue 16: a page in headless Chromium calls an h2grpc server with
// @connectrpc/connect-web, over gRPC-Web and over Connect (binary and JSON): unary, server
// streaming shown as it arrives, an error with details, a deadline, and CORS from another origin.
import { describe, expect, it } from "vitest";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { requirePeer } from "../helpers/peers.js";
import type { ServerOptions } from "../../src/server/server-options.js";
import type { ServiceImpl } from "../../src/server/service-impl.js";
import type { EchoDefinition } from "../protos/gen/echo.js";
import { echoImpl, ERROR_INFO, startBrowserEchoServer } from "../transport/browser/echo-handlers.js";
import { descriptorSetBase64 } from "./descriptor-set.js";
import { openPage } from "./headless-chromium.js";
import type { PageCall, PageOutcome } from "./page/connect-web-calls.js";
import { testPageHandler } from "./page/test-page.js";

const hasChromium = requirePeer("browser tests", "chromium");
const DESCRIPTORS = hasChromium ? descriptorSetBase64("test/protos/echo.proto") : "";
const TRANSPORTS = [
  { name: "gRPC-Web", protocol: "grpc-web", binary: true },
  { name: "Connect, protobuf", protocol: "connect", binary: true },
  { name: "Connect, JSON", protocol: "connect", binary: false },
] as const;

/** Handlers that let the test see inside: a gated stream, and what the deadline did on the server. */
function observedHandlers() {
  let openGate!: () => void;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let serverSawAbort!: (reason: unknown) => void;
  const deadline: { remainingMs?: number | undefined; reason: Promise<unknown> } = { reason: new Promise((resolve) => (serverSawAbort = resolve)) };
  const handlers: ServiceImpl<EchoDefinition> = {
    ...echoImpl,
    async unary(request, context) {
      if (request.delayMs > 0) {
        deadline.remainingMs = context.deadline === undefined ? undefined : context.deadline - Date.now();
        await new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true }));
        serverSawAbort(context.signal.reason);
        return {};
      }
      return echoImpl.unary!(request, context);
    },
    async *serverStream(request) {
      yield { message: request.message, index: 0 };
      await gate; // opened only once the page has shown the first reply
      yield { message: "after", index: 1 };
      yield { message: "after", index: 2 };
    },
  };
  return { handlers, openGate, deadline };
}

async function startPage(impl: ServiceImpl<EchoDefinition>, options: ServerOptions = {}) {
  const { baseUrl } = await startBrowserEchoServer({ httpHandler: await testPageHandler(), ...options }, impl);
  const page = await openPage(`${baseUrl}/`);
  await page.waitForFunction(() => "h2grpcCall" in globalThis);
  // Typed by hand: playwright's serializable-argument types recurse too deep for JsonValue.
  const evaluate = page.evaluate.bind(page) as unknown as (run: (call: PageCall) => Promise<PageOutcome>, call: PageCall) => Promise<PageOutcome>;
  const call = (spec: Omit<PageCall, "descriptorSet" | "service" | "baseUrl"> & { baseUrl?: string }): Promise<PageOutcome> =>
    evaluate((full) => (globalThis as unknown as { h2grpcCall: (c: PageCall) => Promise<PageOutcome> }).h2grpcCall(full), {
      descriptorSet: DESCRIPTORS,
      service: "h2grpc.test.Echo",
      baseUrl,
      ...spec,
    });
  return { page, baseUrl, call };
}

describe.skipIf(!hasChromium)("a page in headless Chromium, calling with @connectrpc/connect-web", { timeout: 90_000 }, () => {
  for (const transport of TRANSPORTS) {
    const { protocol, binary } = transport;

    it(`${transport.name}: makes a unary call`, async () => {
      const { call } = await startPage(echoImpl);
      const outcome = await call({ protocol, binary, method: "unary", request: { message: "hi" } });
      expect(outcome).toMatchObject({ replies: [{ message: "echo:hi", id: "9007199254740993" }] });
      expect(outcome.error).toBeUndefined();
    });

    it(`${transport.name}: shows each server-streaming reply as it arrives`, async () => {
      const { handlers, openGate } = observedHandlers();
      const { page, call } = await startPage(handlers);
      const outcome = call({ protocol, binary, method: "serverStream", request: { message: "first" } });
      // The second reply is held on the server until the page has the first: nothing is buffered.
      await page.waitForFunction(() => ((globalThis as { h2grpcReceived?: unknown[] }).h2grpcReceived ?? []).length === 1);
      openGate();
      expect((await outcome).replies).toEqual([{ message: "first" }, { message: "after", index: 1 }, { message: "after", index: 2 }]);
    });

    it(`${transport.name}: receives an error's code, message and details`, async () => {
      const { call } = await startPage(echoImpl);
      const outcome = await call({ protocol, binary, method: "unary", request: { message: "fail" } });
      expect(outcome.error).toEqual({
        code: "NotFound",
        message: "no such thing: ümlaut",
        details: [{ type: "google.rpc.ErrorInfo", value: Buffer.from(ERROR_INFO.value).toString("base64") }],
      });
    });

    it(`${transport.name}: sends its deadline, which ends the call on both sides with DEADLINE_EXCEEDED`, async () => {
      const { handlers, deadline } = observedHandlers();
      const { call } = await startPage(handlers);
      const outcome = await call({ protocol, binary, method: "unary", request: { delayMs: 1 }, timeoutMs: 300 });
      expect(outcome.error?.code).toBe("DeadlineExceeded");
      expect(deadline.remainingMs).toBeGreaterThan(0);
      expect(deadline.remainingMs).toBeLessThanOrEqual(300);
      // The server's own deadline, or the browser giving up at the same moment (which the server sees as a cancellation).
      expect([Status.DEADLINE_EXCEEDED, Status.CANCELLED]).toContain(((await deadline.reason) as GrpcError).code);
    });
  }

  it("reads Connect replies a compressing server sends gzip-encoded (the browser's own Accept-Encoding), and gRPC-Web ones unencoded", async () => {
    const { call } = await startPage(echoImpl, { compression: "gzip" });
    const request = { message: "x".repeat(2000) };
    const connect = await call({ protocol: "connect", binary: true, method: "unary", request });
    expect(connect.responseHeaders["content-encoding"]).toBe("gzip");
    expect(connect.replies).toEqual([{ message: `echo:${request.message}`, id: "9007199254740993" }]);
    // connect-web's gRPC-Web transport sends no grpc-accept-encoding: its replies stay identity.
    const grpcWeb = await call({ protocol: "grpc-web", binary: true, method: "unary", request });
    expect(grpcWeb.responseHeaders["grpc-encoding"]).toBeUndefined();
    expect(grpcWeb.replies).toEqual(connect.replies);
  });

  it("calls a server on another origin that lists the page's origin (CORS), errors and details included, and fails against one that does not", async () => {
    const { call, baseUrl: pageOrigin } = await startPage(echoImpl);
    const allowing = await startBrowserEchoServer({ cors: { allowedOrigins: [pageOrigin] } });
    const refusing = await startBrowserEchoServer({ cors: { allowedOrigins: ["http://elsewhere.test"] } });
    for (const { protocol, binary } of TRANSPORTS) {
      const allowed = await call({ protocol, binary, method: "unary", request: { message: "x" }, baseUrl: `http://127.0.0.1:${allowing.port}`, headers: { "x-echo": "cors" } });
      expect(allowed.replies).toEqual([{ message: "echo:x", id: "9007199254740993" }]);
      const failed = await call({ protocol, binary, method: "unary", request: { message: "fail" }, baseUrl: `http://127.0.0.1:${allowing.port}` });
      expect(failed.error).toMatchObject({ code: "NotFound", details: [{ type: "google.rpc.ErrorInfo" }] });
      const refused = await call({ protocol, binary, method: "unary", request: { message: "x" }, baseUrl: `http://127.0.0.1:${refusing.port}` });
      expect(refused.replies).toEqual([]);
      expect(refused.error).toBeDefined();
    }
  });
});
