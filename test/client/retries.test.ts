// gRFC A6 end to end: a raw HTTP/2 server that fails, delays or answers each attempt as the test
// scripts it, and records every attempt's headers and request bytes; the h2grpc client with a
// retry or hedging policy in its service config.
import type http2 from "node:http2";
import { afterEach, describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import { createClient } from "../../src/client/client.js";
import type { Channel, ChannelOptions } from "../../src/client/client-options.js";
import type { MethodConfigJson } from "../../src/client/service-config/service-config.js";
import { Status } from "../../src/status.js";
import { parseTimeoutHeader } from "../../src/transport/timeout-header.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { Echo } from "../helpers/echo.js";
import { frameOf, startRawServer, type RawServer } from "./raw-server.js";

/** How the server answers one attempt. */
type Answer =
  | { readonly status: Status; readonly pushback?: string; readonly afterHeaders?: boolean }
  | { readonly reply: string }
  | "never";

interface Attempt {
  readonly headers: http2.IncomingHttpHeaders;
  readonly body: Buffer;
  isCancelled: boolean;
  /** Resolves when the server's stream closes. */
  readonly closed: Promise<void>;
}

const servers: RawServer[] = [];
const channels: Channel[] = [];

afterEach(async () => {
  for (const channel of channels.splice(0)) channel.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A server answering attempt n with `script(n)` (0-based, counted over the whole server). */
async function scriptedServer(script: (attempt: number) => Answer): Promise<{ server: RawServer; attempts: Attempt[] }> {
  const attempts: Attempt[] = [];
  const server = await startRawServer((stream, headers) => {
    const chunks: Buffer[] = [];
    let closed!: () => void;
    const attempt: Attempt = { headers, body: Buffer.alloc(0), isCancelled: false, closed: new Promise((resolve) => (closed = resolve)) };
    const answer = script(attempts.length);
    attempts.push(attempt);
    stream.on("close", () => {
      if (stream.rstCode === 8 /* CANCEL */) attempt.isCancelled = true;
      closed();
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      (attempt as { body: Buffer }).body = Buffer.concat(chunks);
      if (answer === "never") return;
      if ("reply" in answer) {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(frameOf(Echo.methods.unary.responseSerializer.serialize({ message: answer.reply })));
        return;
      }
      const trailers: http2.OutgoingHttpHeaders = { "grpc-status": String(answer.status), "grpc-message": `attempt ${attempts.indexOf(attempt)}` };
      if (answer.pushback !== undefined) trailers["grpc-retry-pushback-ms"] = answer.pushback;
      if (answer.afterHeaders === true) {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.once("wantTrailers", () => stream.sendTrailers(trailers));
        stream.end();
      } else {
        stream.respond({ ":status": 200, "content-type": "application/grpc", ...trailers }, { endStream: true });
      }
    });
  });
  servers.push(server);
  return { server, attempts };
}

const RETRY_POLICY = { maxAttempts: 4, initialBackoff: "0.01s", maxBackoff: "0.05s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE"] };

function channelFor(server: RawServer, methodConfig: MethodConfigJson, options: ChannelOptions = {}): Channel {
  const channel = createChannel(server.address, { ...options, serviceConfig: { methodConfig: [{ name: [{ service: "h2grpc.test.Echo" }], ...methodConfig }], ...options.serviceConfig as object } });
  channels.push(channel);
  return channel;
}

const previousAttempts = (attempts: readonly Attempt[]): (string | undefined)[] => attempts.map((a) => a.headers["grpc-previous-rpc-attempts"] as string | undefined);

describe("retry policy (gRFC A6)", () => {
  it("retries UNAVAILABLE with the same request, telling each attempt how many came before", async () => {
    const { server, attempts } = await scriptedServer((n) => (n < 2 ? { status: Status.UNAVAILABLE } : { reply: "third time" }));
    const client = createClient(Echo, { channel: channelFor(server, { retryPolicy: RETRY_POLICY }) });
    expect(await client.unary({ message: "hello" }, { timeoutMs: 10_000 })).toMatchObject({ message: "third time" });
    expect(previousAttempts(attempts)).toEqual([undefined, "1", "2"]);
    expect(new Set(attempts.map((a) => a.body.toString("hex"))).size).toBe(1);
  });

  it("gives every attempt the time left of the call's one deadline", async () => {
    const { server, attempts } = await scriptedServer((n) => (n < 3 ? { status: Status.UNAVAILABLE } : { reply: "ok" }));
    const client = createClient(Echo, { channel: channelFor(server, { retryPolicy: RETRY_POLICY }) });
    await client.unary({}, { timeoutMs: 20_000 });
    const timeouts = attempts.map((a) => parseTimeoutHeader(a.headers["grpc-timeout"] as string) as number);
    expect(timeouts.every((ms) => ms <= 20_000)).toBe(true);
    expect(timeouts).toEqual([...timeouts].sort((a, b) => b - a));
  });

  it("ends with the last status after maxAttempts, and does not retry other statuses", async () => {
    const failing = await scriptedServer(() => ({ status: Status.UNAVAILABLE }));
    const client = createClient(Echo, { channel: channelFor(failing.server, { retryPolicy: RETRY_POLICY }) });
    const error = await rejectionOf(() => client.unary({}, { timeoutMs: 10_000 }));
    expect([error.code, error.details, failing.attempts.length]).toEqual([Status.UNAVAILABLE, "attempt 3", 4]);

    const fatal = await scriptedServer(() => ({ status: Status.INVALID_ARGUMENT }));
    const other = createClient(Echo, { channel: channelFor(fatal.server, { retryPolicy: RETRY_POLICY }) });
    expect((await rejectionOf(() => other.unary({}, { timeoutMs: 10_000 }))).code).toBe(Status.INVALID_ARGUMENT);
    expect(fatal.attempts).toHaveLength(1);
  });

  it("does not retry once response headers arrived (the call is committed)", async () => {
    const { server, attempts } = await scriptedServer(() => ({ status: Status.UNAVAILABLE, afterHeaders: true }));
    const client = createClient(Echo, { channel: channelFor(server, { retryPolicy: RETRY_POLICY }) });
    expect((await rejectionOf(() => client.unary({}, { timeoutMs: 10_000 }))).code).toBe(Status.UNAVAILABLE);
    expect(attempts).toHaveLength(1);
  });

  it("does not retry when the server's pushback says not to; waits for a pushback that says when", async () => {
    const refused = await scriptedServer(() => ({ status: Status.UNAVAILABLE, pushback: "-1" }));
    const client = createClient(Echo, { channel: channelFor(refused.server, { retryPolicy: RETRY_POLICY }) });
    expect((await rejectionOf(() => client.unary({}, { timeoutMs: 10_000 }))).code).toBe(Status.UNAVAILABLE);
    expect(refused.attempts).toHaveLength(1);

    const later = await scriptedServer((n) => (n === 0 ? { status: Status.UNAVAILABLE, pushback: "20" } : { reply: "later" }));
    const patient = createClient(Echo, { channel: channelFor(later.server, { retryPolicy: RETRY_POLICY }) });
    expect(await patient.unary({}, { timeoutMs: 10_000 })).toMatchObject({ message: "later" });
  });

  it("replays a client stream's every message to the next attempt", async () => {
    const { server, attempts } = await scriptedServer((n) => (n === 0 ? { status: Status.UNAVAILABLE } : { reply: "streamed" }));
    const client = createClient(Echo, { channel: channelFor(server, { retryPolicy: RETRY_POLICY }) });
    const call = client.clientStream({ timeoutMs: 10_000 });
    for (const message of ["a", "b", "c"]) await call.write({ message });
    call.end();
    expect(await call.response).toMatchObject({ message: "streamed" });
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.body.equals(attempts[0]!.body)).toBe(true);
    expect(attempts[0]!.body.length).toBeGreaterThan(3 * 5);
  });

  it("stops retrying while most calls fail (retryThrottling)", async () => {
    const { server, attempts } = await scriptedServer(() => ({ status: Status.UNAVAILABLE }));
    const channel = channelFor(server, { retryPolicy: RETRY_POLICY }, { serviceConfig: { retryThrottling: { maxTokens: 4, tokenRatio: 0.1 } } });
    const client = createClient(Echo, { channel });
    const perCall: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = attempts.length;
      await rejectionOf(() => client.unary({}, { timeoutMs: 10_000 }));
      perCall.push(attempts.length - before);
    }
    // 4 tokens: the first call's failures take them to 3 (retried) and 2 (not above half: stop).
    expect(perCall).toEqual([2, 1, 1]);
  });

  it("sends a single attempt with enableRetries: false", async () => {
    const { server, attempts } = await scriptedServer(() => ({ status: Status.UNAVAILABLE }));
    const client = createClient(Echo, { channel: channelFor(server, { retryPolicy: RETRY_POLICY }, { enableRetries: false }) });
    expect((await rejectionOf(() => client.unary({}, { timeoutMs: 10_000 }))).code).toBe(Status.UNAVAILABLE);
    expect(attempts).toHaveLength(1);
  });
});

describe("hedging policy (gRFC A6)", () => {
  it("sends a second copy after hedgingDelay; the one that answers wins and the other is cancelled", async () => {
    const { server, attempts } = await scriptedServer((n) => (n === 0 ? "never" : { reply: "hedged" }));
    const client = createClient(Echo, {
      channel: channelFor(server, { hedgingPolicy: { maxAttempts: 2, hedgingDelay: "0.05s", nonFatalStatusCodes: ["UNAVAILABLE"] } }),
    });
    expect(await client.unary({}, { timeoutMs: 10_000 })).toMatchObject({ message: "hedged" });
    expect(previousAttempts(attempts)).toEqual([undefined, "1"]);
    await attempts[0]!.closed;
    expect(attempts[0]!.isCancelled).toBe(true);
  });

  it("sends the next copy at once after a non-fatal status; a fatal one ends the call", async () => {
    const { server, attempts } = await scriptedServer((n) => (n === 0 ? { status: Status.UNAVAILABLE } : { reply: "second" }));
    const client = createClient(Echo, {
      channel: channelFor(server, { hedgingPolicy: { maxAttempts: 3, hedgingDelay: "100s", nonFatalStatusCodes: ["UNAVAILABLE"] } }),
    });
    expect(await client.unary({}, { timeoutMs: 10_000 })).toMatchObject({ message: "second" });
    expect(attempts).toHaveLength(2);

    const fatal = await scriptedServer(() => ({ status: Status.PERMISSION_DENIED }));
    const other = createClient(Echo, {
      channel: channelFor(fatal.server, { hedgingPolicy: { maxAttempts: 3, hedgingDelay: "100s", nonFatalStatusCodes: ["UNAVAILABLE"] } }),
    });
    expect((await rejectionOf(() => other.unary({}, { timeoutMs: 10_000 }))).code).toBe(Status.PERMISSION_DENIED);
    expect(fatal.attempts).toHaveLength(1);
  });
});
