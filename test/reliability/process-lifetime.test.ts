// #10: what holds the process and what never kills it. A call in flight keeps the process alive
// until it settles; an idle channel, a closed client and a closed server do not; and a client
// closed around its calls never throws from a Node event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientConnection } from "../../src/transport/client-connection.js";
import { insecure } from "../../src/transport/tls.js";
import { buildLibrary, removeLibrary, startChild } from "../helpers/child-process.js";
import { startServer } from "../helpers/start-server.js";
import { findFreePort } from "../../src/transport/free-port.js";

beforeAll(() => buildLibrary(), 120_000);
afterAll(() => removeLibrary());

describe("#10 process lifetime", () => {
  it("a pending waitForReady call at the top level of a module holds the process until its deadline, then rejects with DEADLINE_EXCEEDED", async () => {
    const child = startChild("test/reliability/children/pending-call-holds-process.mjs", [String(await findFreePort("127.0.0.1"))]);
    const [, code, elapsed] = await child.waitForLine(/^rejected with (\d+) after (\d+) ms$/, 20_000);
    expect(Number(code)).toBe(4);
    expect(Number(elapsed)).toBeGreaterThanOrEqual(1_490);
    expect(await child.exit(10_000)).toBe(0);
  });

  it("an idle channel left open, a closed client and a closed server with keepalive let the process exit by itself", async () => {
    const child = startChild("test/reliability/children/idle-things-let-go.mjs");
    await child.waitForLine(/^done/);
    expect(await child.exit(10_000)).toBe(0);
    expect(child.stderr()).toBe("");
  });

  it("200 clients closed around a unary call (timeoutMs 0, 1 or none) settle every call, throw nothing uncaught, and the process exits", async () => {
    const child = startChild("test/reliability/children/close-right-after-calls.mjs");
    const [, settled, uncaught] = await child.waitForLine(/^settled (\d+) uncaught (\d+)$/, 60_000);
    expect(child.lines().filter((line) => line.startsWith("uncaught") || line.startsWith("unhandled"))).toEqual([]);
    expect(Number(uncaught)).toBe(0);
    expect(Number(settled)).toBe(200);
    expect(await child.exit(10_000)).toBe(0);
  });
});

describe("#10 Node events on a dead connection", () => {
  it("a connection destroyed between its socket connecting and Node's 'connect' event never throws, and reports its close", async () => {
    const { port } = await startServer(() => {});
    const closed = new Promise<unknown>((resolve) => {
      const connection = new ClientConnection({ kind: "tcp", host: "127.0.0.1", port }, insecure(), {
        onReady: () => resolve(new Error("a destroyed connection must never become ready")),
        onGoaway: () => {},
        onClose: (_connection, error) => resolve(error),
      });
      // Node binds the session to the socket on 'connect' and emits its own 'connect' a tick
      // later, even for a session destroyed in between: that late event once threw.
      connection.session.socket.once("connect", () => connection.destroy());
    });
    expect(await closed).toBeUndefined();
  });
});
