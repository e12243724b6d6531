// #10: a connection whose first bytes arrive while the server is closing (found by the lifecycle
// fuzz). The protocol sniffer has read those bytes and handed them back to the socket, and Node
// replays them into the new HTTP/2 session on the next tick; a session destroyed before that tick
// made Node throw uncaught ("Cannot read properties of undefined (reading 'receive')").
import http2 from "node:http2";
import net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { grpcHeaders } from "../helpers/raw-h2.js";
import { closeClient, createClient } from "../../src/client/client.js";
import { Echo } from "../helpers/echo.js";
import { listenServer, startEchoServer } from "../helpers/start-server.js";
import { failOnProcessErrors } from "../hardening/target-server.js";

// Each test fails on anything that escapes as an uncaught exception or unhandled rejection.
failOnProcessErrors();
afterEach(() => {
  vi.restoreAllMocks();
});

/** A silent connected client socket: the server's sniffer waits for its first bytes. */
async function connectSilently(port: number): Promise<net.Socket> {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return socket;
}

/** Speaks HTTP/2 on `socket` (preface, SETTINGS, one call's HEADERS) and resolves with how the call's stream closed. */
function callOver(socket: net.Socket, port: number): { session: http2.ClientHttp2Session; closed: Promise<number> } {
  const session = http2.connect(`http://127.0.0.1:${port}`, { createConnection: () => socket });
  session.on("error", () => {});
  const stream = session.request(grpcHeaders("/h2grpc.test.Echo/Unary"));
  stream.on("error", () => {});
  stream.resume();
  return { session, closed: new Promise<number>((resolve) => stream.once("close", () => resolve(stream.rstCode ?? -1))) };
}

describe("#10 a connection that speaks first while the server closes", () => {
  it("is refused without an uncaught exception while the server drains another call, and close() still finishes", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => {};
    const handlerEntered = new Promise<void>((resolve) => (entered = resolve));
    const started = await startEchoServer({
      async unary() {
        entered();
        await held;
        return { message: "done" };
      },
    });
    const echo = createClient(Echo, { address: started.address });
    const draining = echo.unary({});
    await handlerEntered;
    const socket = await connectSilently(started.port);
    // The server drains the held call: it keeps its sockets, and the new one speaks now.
    const closed = started.server.close({ graceMs: 10_000 });
    const call = callOver(socket, started.port);
    const rstCode = await call.closed;
    call.session.destroy();
    release();
    await expect(draining).resolves.toMatchObject({ message: "done" });
    closeClient(echo);
    await closed;
    // The server refuses the connection as grpc-go does (it closes it): the stream is refused, or
    // reset with the connection (CANCEL); either way the call never ran and may be retried.
    expect([http2.constants.NGHTTP2_REFUSED_STREAM, http2.constants.NGHTTP2_CANCEL]).toContain(rstCode);
  });

  it("is dropped without an uncaught exception when the shutdown destroyed its socket while the sniffer read it", async () => {
    const started = await listenServer(() => {});
    const socket = await connectSilently(started.port);
    // Just before the sniffer hands the first bytes back, the server starts closing and the socket
    // is destroyed (close({ graceMs: 0 }) destroys every socket; a 'readable' already scheduled
    // still runs): the session is made on a dead socket.
    const unshift = net.Socket.prototype.unshift;
    let closed: Promise<void> | undefined;
    vi.spyOn(net.Socket.prototype, "unshift").mockImplementation(function (this: net.Socket, chunk, encoding) {
      closed = started.server.close({ graceMs: 0 });
      this.destroy();
      return unshift.call(this, chunk, encoding);
    });
    const call = callOver(socket, started.port);
    await call.closed;
    call.session.destroy();
    await closed;
  });
});
