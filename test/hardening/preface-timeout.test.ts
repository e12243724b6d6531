// A client that connects and never sends the HTTP/2 preface is disconnected after the listener's
// prefaceTimeoutMs (grpc-go's ConnectionTimeout, 120 s by default in createServer), over h2c and TLS;
// a client that did send it keeps its connection.
import { afterEach, describe, expect, it } from "vitest";
import { ServerListener } from "../../src/transport/server-listener.js";
import { insecure, serverTls } from "../../src/transport/tls.js";
import { testCerts } from "../helpers/certs.js";
import { requirePeer } from "../helpers/peers.js";
import { PREFACE, connectTcp, settingsFrame } from "./h2-frames.js";
import { failOnProcessErrors } from "./target-server.js";
import tls from "node:tls";

failOnProcessErrors();

const listeners: ServerListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close(0)));
});

function startListener(isTls: boolean): Promise<number> {
  const listener = new ServerListener((call) => call.finish(undefined, undefined, undefined), {
    maxHeaderListBytes: 16 * 1024,
    prefaceTimeoutMs: 100,
    streamResetBurst: 1_000,
    streamResetRate: 33,
    maxReceiveMessageBytes: 4 * 1024 * 1024,
    acceptEncoding: "identity",
    keepalive: { timeoutMs: 20_000, minPingIntervalMs: 300_000, permitWithoutCalls: false },
  });
  listeners.push(listener);
  // Certificates only for TLS: the h2c test runs without openssl.
  const credentials = isTls ? serverTls({ cert: testCerts().serverCert, key: testCerts().serverKey }) : insecure();
  return listener.listen("127.0.0.1", 0, credentials);
}

describe("the preface timeout", () => {
  it("closes an h2c connection that sends no preface, and keeps one that did", async () => {
    const port = await startListener(false);
    const silent = await connectTcp(port);
    const speaking = await connectTcp(port);
    speaking.send(Buffer.concat([PREFACE, settingsFrame()]));
    await silent.closed;
    expect(speaking.socket.destroyed).toBe(false);
    speaking.destroy();
  });

  it.skipIf(!requirePeer("the TLS preface timeout test", "openssl"))("closes a TLS connection that completes the handshake but sends no preface", async () => {
    const port = await startListener(true);
    const socket = tls.connect({ host: "127.0.0.1", port, ca: testCerts().caCert, servername: "localhost", ALPNProtocols: ["h2"] });
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.once("secureConnect", () => resolve()));
    socket.resume();
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
  });
});
