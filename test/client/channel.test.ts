import http2 from "node:http2";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import { closeClient, createClient } from "../../src/client/client.js";
import { Status } from "../../src/status.js";
import { insecure } from "../../src/transport/tls.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { Echo, type EchoRequest } from "../helpers/echo.js";
import { startEchoServer } from "../helpers/start-server.js";
import { frameOf, startRawServer } from "./raw-server.js";
import { findFreePort } from "../../src/transport/free-port.js";


const echoImpl = {
  async unary(request: EchoRequest) {
    return { message: request.message };
  },
} as never;

describe("connectivity", () => {
  it("a call to a target with nothing listening fails fast with UNAVAILABLE", async () => {
    const client = createClient(Echo, { address: `127.0.0.1:${await findFreePort("127.0.0.1")}`, backoff: { initialMs: 60_000 } });
    try {
      const error = await rejectionOf(() => client.unary({ message: "x" }, { timeoutMs: 10_000 }));
      expect(error.code).toBe(Status.UNAVAILABLE);
      expect(error.details).toContain("ECONNREFUSED");
      // In TRANSIENT_FAILURE (backoff pending) the next call fails fast without dialling.
      expect((await rejectionOf(() => client.unary({ message: "x" }))).code).toBe(Status.UNAVAILABLE);
    } finally {
      closeClient(client);
    }
  });

  it("waitForReady waits until the deadline instead of failing fast", async () => {
    const client = createClient(Echo, { address: `127.0.0.1:${await findFreePort("127.0.0.1")}`, backoff: { initialMs: 50, maxMs: 100 } });
    try {
      const started = Date.now();
      const error = await rejectionOf(() => client.unary({ message: "x" }, { timeoutMs: 400, waitForReady: true }));
      expect(error.code).toBe(Status.DEADLINE_EXCEEDED);
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    } finally {
      closeClient(client);
    }
  });

  it("reconnects with backoff after the server restarts on the same port; waitForReady calls complete", async () => {
    let peer = await startEchoServer(echoImpl);
    const port = peer.port;
    const channel = createChannel(peer.address, { backoff: { initialMs: 100, maxMs: 200, jitter: 0 } });
    const client = createClient(Echo, { channel });
    try {
      expect(await client.unary({ message: "before" })).toMatchObject({ message: "before" });
      await peer.close();
      expect((await rejectionOf(() => client.unary({ message: "down" }))).code).toBe(Status.UNAVAILABLE);
      expect(channel.state).toBe("TRANSIENT_FAILURE");
      const waiting = client.unary({ message: "after" }, { waitForReady: true, timeoutMs: 10_000 });
      peer = await startEchoServer(echoImpl, { listen: { port } });
      expect(await waiting).toMatchObject({ message: "after" });
      expect(channel.state).toBe("READY");
    } finally {
      channel.close();
      await peer.close();
    }
  });

  it("several clients share one channel; closing a client on a shared channel leaves it open", async () => {
    const peer = await startEchoServer(echoImpl);
    try {
      const channel = createChannel(peer.address);
      const a = createClient(Echo, { channel });
      const b = createClient(Echo, { channel });
      await Promise.all([a.unary({ message: "a" }), b.unary({ message: "b" }), a.unary({ message: "c" })]);
      expect(channel.state).toBe("READY");
      closeClient(a);
      expect(await b.unary({ message: "still" })).toMatchObject({ message: "still" });
      channel.close();
      expect(channel.state).toBe("SHUTDOWN");
      expect((await rejectionOf(() => b.unary({ message: "closed" }))).code).toBe(Status.CANCELLED);
    } finally {
      await peer.close();
    }
  });

  it("calls share one HTTP/2 session: the server sees one connection", async () => {
    const sessions = new Set<unknown>();
    const raw = await startRawServer((stream) => {
      sessions.add(stream.session);
      stream.on("data", () => {});
      stream.on("end", () => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(frameOf(Echo.methods.unary!.responseSerializer.serialize({ message: "r" })));
      });
    });
    const client = createClient(Echo, { address: raw.address });
    try {
      await Promise.all(Array.from({ length: 10 }, () => client.unary({ message: "x" })));
      await client.unary({ message: "x" });
      expect(raw.requests).toHaveLength(11);
      expect(sessions.size).toBe(1);
    } finally {
      closeClient(client);
      await raw.close();
    }
  });

  it("channel.close() cancels in-flight calls with CANCELLED", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (arrived = resolve));
    const peer = await startEchoServer({
      async unary(_request: EchoRequest, ctx: { signal: AbortSignal }) {
        arrived();
        await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
        release();
        return {};
      },
    } as never);
    const client = createClient(Echo, { address: peer.address });
    try {
      const call = client.unary({ message: "x" });
      await handlerStarted;
      closeClient(client);
      expect((await rejectionOf(() => call)).code).toBe(Status.CANCELLED);
      await released; // the server saw the RST_STREAM
    } finally {
      await peer.close();
    }
  });

  const socketTargets: [string, "unix:" | "unix-abstract:"][] = [["a unix socket", "unix:"]];
  // Linux only: an abstract socket's name starts with a NUL byte and has no file.
  if (process.platform === "linux") socketTargets.push(["a Linux abstract socket", "unix-abstract:"]);
  it.each(socketTargets)("connects over %s", async (_, scheme) => {
    const name = `h2grpc-client-${process.pid}-${Date.now()}`;
    const socketPath = scheme === "unix:" ? path.join(os.tmpdir(), `${name}.sock`) : `\0${name}`;
    const server = http2.createServer();
    server.on("stream", (stream) => {
      stream.on("data", () => {});
      stream.on("end", () => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(frameOf(Echo.methods.unary!.responseSerializer.serialize({ message: "over unix" })));
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const client = createClient(Echo, { address: `${scheme}${scheme === "unix:" ? socketPath : name}`, credentials: insecure() });
    try {
      expect(await client.unary({ message: "x" })).toMatchObject({ message: "over unix" });
    } finally {
      closeClient(client);
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a malformed address throws TypeError from createClient", () => {
    expect(() => createClient(Echo, { address: "no-port" })).toThrow(TypeError);
  });
});

describe("idle timeout", () => {
  it("closes the connection after idleTimeoutMs without calls; the next call reconnects", async () => {
    const peer = await startEchoServer(echoImpl);
    const channel = createChannel(peer.address, { idleTimeoutMs: 50 });
    const client = createClient(Echo, { channel });
    try {
      await client.unary({ message: "a" });
      expect(channel.state).toBe("READY");
      // No event reports the idle close; poll the state, bounded.
      for (let i = 0; i < 100 && channel.state === "READY"; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(channel.state).toBe("IDLE");
      expect(await client.unary({ message: "b" })).toMatchObject({ message: "b" });
    } finally {
      channel.close();
      await peer.close();
    }
  });
});

describe("channel options", () => {
  it.each(["keepaliveTimeMs", "keepaliveTimeoutMs", "idleTimeoutMs", "maxReceiveMessageBytes"])("a non-positive %s throws RangeError", (name) => {
    expect(() => createChannel("127.0.0.1:1", { [name]: 0 })).toThrow(RangeError);
    expect(() => createChannel("127.0.0.1:1", { [name]: Number.NaN })).toThrow(RangeError);
  });
});

describe("target forms", () => {
  it("connects to [::1]:port and dns:///host:port targets", async () => {
    const v6 = await startEchoServer(echoImpl, { listen: { host: "::1" } });
    const v4 = await startEchoServer(echoImpl);
    const clients = [
      createClient(Echo, { address: `[::1]:${v6.port}` }),
      createClient(Echo, { address: `dns:///127.0.0.1:${v4.port}` }),
      createClient(Echo, { address: `dns:127.0.0.1:${v4.port}` }),
    ];
    try {
      for (const client of clients) expect(await client.unary({ message: "t" })).toMatchObject({ message: "t" });
    } finally {
      for (const client of clients) closeClient(client);
      await v6.close();
      await v4.close();
    }
  });
});
