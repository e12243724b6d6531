import { describe, expect, it } from "vitest";
import http2 from "node:http2";
import net from "node:net";
import { serverTls } from "../../src/transport/tls.js";
import type { ListenOptions } from "../../src/server/server-options.js";
import { testCerts } from "../helpers/certs.js";
import { Echo } from "../helpers/echo.js";
import { connectRaw, pingOnEveryData } from "../helpers/raw-h2.js";
import { startServer } from "../helpers/start-server.js";

function goawayOf(session: http2.ClientHttp2Session): Promise<{ code: number; debug: string }> {
  return new Promise((resolve) => session.once("goaway", (code, _last, data) => resolve({ code, debug: data?.toString() ?? "" })));
}

function connected(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => session.once("connect", () => resolve()));
}

describe("keepalive enforcement and connection management", () => {
  it("answers a ping flood with GOAWAY ENHANCE_YOUR_CALM \"too_many_pings\", as grpc-go does", async () => {
    const { port } = await startServer((s) => s.addService(Echo, {}));
    const session = connectRaw(port);
    await connected(session);
    const goaway = goawayOf(session);
    for (let i = 0; i < 5; i++) session.ping(() => {});
    expect(await goaway).toEqual({ code: http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, debug: "too_many_pings" });
    session.destroy();
  });

  it("allows pings as often as minPingIntervalMs permits while calls are open, with permitWithoutCalls", async () => {
    const { port } = await startServer((s) => s.addService(Echo, {}), { keepalive: { minPingIntervalMs: 0, permitWithoutCalls: true } });
    const session = connectRaw(port);
    await connected(session);
    let wentAway = false;
    session.on("goaway", () => (wentAway = true));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => session.ping(resolve));
    expect(wentAway).toBe(false);
    session.close();
  });

  it("pings the client every keepalive.timeMs", async () => {
    const { port } = await startServer((s) => s.addService(Echo, {}), { keepalive: { timeMs: 30, timeoutMs: 1000 } });
    const session = connectRaw(port);
    let pings = 0;
    const third = new Promise<void>((resolve) =>
      session.on("ping", () => {
        if (++pings === 3) resolve();
      }),
    );
    await third;
    expect(pings).toBeGreaterThanOrEqual(3);
    session.close();
  });

  it("sends GOAWAY to a connection idle for maxConnectionIdleMs", async () => {
    const { port } = await startServer((s) => s.addService(Echo, {}), { keepalive: { maxConnectionIdleMs: 50 } });
    const session = connectRaw(port);
    const goaway = await goawayOf(session);
    expect(goaway.code).toBe(http2.constants.NGHTTP2_NO_ERROR);
    session.destroy();
  });

  it("sends GOAWAY at maxConnectionAgeMs and closes the connection after the grace period", async () => {
    const { port } = await startServer(
      (s) =>
        s.addService(Echo, {
          async *bidi(_requests, ctx) {
            await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
          },
        }),
      { keepalive: { maxConnectionAgeMs: 50, maxConnectionAgeGraceMs: 50 } },
    );
    const session = connectRaw(port);
    await connected(session);
    // An open stream would hold the connection after GOAWAY; the grace period ends it.
    const stream = session.request({ ":method": "POST", ":path": "/h2grpc.test.Echo/Bidi", "content-type": "application/grpc" });
    stream.on("error", () => {});
    const goaway = await goawayOf(session);
    expect(goaway.code).toBe(http2.constants.NGHTTP2_NO_ERROR);
    await new Promise((resolve) => session.once("close", resolve));
    expect(session.destroyed).toBe(true);
  });
});

describe("ping strikes and sent data", () => {
  it("does not count BDP-style pings sent while a large response arrives, as grpc-go resets strikes on sent data", async () => {
    const payload = new Uint8Array(1024 * 1024);
    const { port } = await startServer((s) =>
      s.addService(Echo, {
        async *serverStream() {
          for (let i = 0; i < 4; i++) yield { payload };
        },
      }),
    );
    const session = connectRaw(port);
    let goawayCode: number | undefined;
    session.on("goaway", (code) => (goawayCode = code));
    const stream = session.request({ ":method": "POST", ":path": "/h2grpc.test.Echo/ServerStream", "content-type": "application/grpc", te: "trailers" });
    stream.on("error", () => {});
    const received = pingOnEveryData(session, stream);
    const trailers = new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once("trailers", resolve));
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
    expect((await trailers)["grpc-status"]).toBe("0");
    expect(received.receivedBytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(goawayCode).toBeUndefined();
    session.close();
  });
});

describe.each([
  { transport: "plaintext", isTls: false },
  { transport: "TLS", isTls: true },
])("ping strikes and small paced messages, $transport", ({ isTls }) => {
  const connect = (port: number): http2.ClientHttp2Session =>
    isTls ? connectRaw(port, { ca: testCerts().caCert }, `https://localhost:${port}`) : connectRaw(port);
  const listen = (): ListenOptions => (isTls ? { credentials: serverTls({ cert: testCerts().serverCert, key: testCerts().serverKey }) } : {});

  it("#11 does not count a ping after each small message of a paced stream, as grpc-go's BDP estimator sends on the tutorial's ListValue", async () => {
    // The handler sends its next message only once the client's ping for the previous one is
    // acknowledged: every PING comes right after one small DATA frame.
    let release = (): void => {};
    const { port } = await startServer(
      (s) =>
        s.addService(Echo, {
          async *serverStream() {
            for (let i = 0; i < 10; i++) {
              yield { message: `Stream Server grpc ${i}` };
              await new Promise<void>((resolve) => (release = resolve));
            }
          },
        }),
      {},
      listen(),
    );
    const session = connect(port);
    let goawayCode: number | undefined;
    session.on("goaway", (code) => (goawayCode = code));
    const stream = session.request({ ":method": "POST", ":path": "/h2grpc.test.Echo/ServerStream", "content-type": "application/grpc", te: "trailers" });
    stream.on("error", () => {});
    let pings = 0;
    stream.on("data", () => {
      pings++;
      session.ping(() => release());
    });
    const status = new Promise<unknown>((resolve) => {
      stream.once("trailers", (trailers) => resolve(trailers["grpc-status"]));
      stream.once("close", () => resolve(`closed without trailers (GOAWAY ${goawayCode}, ${pings} pings)`));
    });
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
    expect(await status).toBe("0");
    expect(pings).toBe(10);
    expect(goawayCode).toBeUndefined();
    session.close();
  });

  it("still answers a ping flood during an idle call with GOAWAY ENHANCE_YOUR_CALM", async () => {
    const { port } = await startServer(
      (s) =>
        s.addService(Echo, {
          async *bidi(requests) {
            for await (const request of requests) yield request;
          },
        }),
      {},
      listen(),
    );
    const session = connect(port);
    const stream = session.request({ ":method": "POST", ":path": "/h2grpc.test.Echo/Bidi", "content-type": "application/grpc", te: "trailers" });
    stream.on("error", () => {});
    await new Promise((resolve) => session.once("connect", resolve));
    const goaway = goawayOf(session);
    for (let i = 0; i < 5; i++) session.ping(() => {});
    expect(await goaway).toEqual({ code: http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, debug: "too_many_pings" });
    session.destroy();
  });
});

describe("keepalive timeout", () => {
  it("closes a connection whose client does not acknowledge the keepalive PING within timeoutMs", async () => {
    const { port } = await startServer((s) => s.addService(Echo, {}), { keepalive: { timeMs: 50, timeoutMs: 100 } });
    // A raw TCP client that sends the HTTP/2 preface and an empty SETTINGS frame, then goes silent.
    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.on("data", () => {}); // reads (and ignores) the server's SETTINGS and PINGs
    socket.write(Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
    const openedAt = Date.now();
    await new Promise((resolve) => socket.once("close", resolve));
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(140);
  });
});
