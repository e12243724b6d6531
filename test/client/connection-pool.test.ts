// connectionsPerAddress: the pool of connections beside the channel's own
// (src/client/channel/connection-pool.ts). The pool's rules run on stand-in connections; the
// calls spread over real connections against a real server.
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { createChannel } from "../../src/client/channel/channel.js";
import { ConnectionPool, createConnectionPool, type ConnectionPoolSetup } from "../../src/client/channel/connection-pool.js";
import { createClient } from "../../src/client/client.js";
import type { ClientConnection, ConnectionEvents } from "../../src/transport/client-connection.js";
import { Echo } from "../helpers/echo.js";
import { startEchoServer } from "../helpers/start-server.js";

/** A stand-in for ClientConnection: a stream count the test sets, and a session that can close. */
class FakeConnection {
  readonly session = new EventEmitter();
  streamCount = 0;
  isReady = true;
  isClosed = false;
  constructor(readonly events?: ConnectionEvents) {}
  close(): void {
    this.isClosed = true;
  }
  destroy(): void {
    this.isClosed = true;
  }
}

function poolOf(size: number): { pool: ConnectionPool; opened: FakeConnection[]; keepalives: FakeConnection[]; goaways: number[] } {
  const opened: FakeConnection[] = [];
  const keepalives: FakeConnection[] = [];
  const goaways: number[] = [];
  const setup: ConnectionPoolSetup = {
    open(events) {
      const connection = new FakeConnection(events);
      opened.push(connection);
      return connection as unknown as ClientConnection;
    },
    onReady: (connection) => void keepalives.push(connection as unknown as FakeConnection),
    onGoaway: (_connection, errorCode) => void goaways.push(errorCode),
    connectTimeoutMs: 20_000,
  };
  return { pool: new ConnectionPool(size, setup), opened, keepalives, goaways };
}

const real = (connection: FakeConnection): ClientConnection => connection as unknown as ClientConnection;
const ready = (connection: FakeConnection): void => connection.events?.onReady(real(connection));

describe("ConnectionPool", () => {
  it("keeps calls on the channel's connection while it has none in flight, and opens another only when it is busy", () => {
    const { pool, opened } = poolOf(3);
    const anchor = new FakeConnection();
    expect(pool.pick(real(anchor))).toBe(anchor);
    expect(opened).toHaveLength(0);
    anchor.streamCount = 1;
    expect(pool.pick(real(anchor))).toBe(anchor); // the new connection is not ready yet
    expect(opened).toHaveLength(1);
    expect(pool.pick(real(anchor))).toBe(anchor);
    expect(opened).toHaveLength(1); // one connection opens at a time
  });

  it("sends each call to the ready connection with the fewest streams, and grows to its size and no further", () => {
    const { pool, opened, keepalives } = poolOf(3);
    const anchor = new FakeConnection();
    anchor.streamCount = 5;
    pool.pick(real(anchor));
    ready(opened[0]!);
    expect(keepalives).toEqual([opened[0]]);
    expect(pool.pick(real(anchor))).toBe(opened[0]);
    opened[0]!.streamCount = 2;
    pool.pick(real(anchor));
    ready(opened[1]!);
    opened[1]!.streamCount = 1;
    expect(pool.pick(real(anchor))).toBe(opened[1]);
    expect(pool.extraCount).toBe(2);
    opened[1]!.streamCount = 9;
    expect(pool.pick(real(anchor))).toBe(opened[0]);
    expect(opened).toHaveLength(2); // anchor + 2 = 3
  });

  it("takes a connection that got GOAWAY out of the pool, closes it once its calls finish, and tells the channel", () => {
    const { pool, opened, goaways } = poolOf(2);
    const anchor = new FakeConnection();
    anchor.streamCount = 1;
    pool.pick(real(anchor));
    ready(opened[0]!);
    opened[0]!.events?.onGoaway(real(opened[0]!), 0xb, Buffer.from("too_many_pings"));
    expect(opened[0]!.isClosed).toBe(true);
    expect(goaways).toEqual([0xb]);
    expect(pool.extraCount).toBe(0);
    expect(pool.pick(real(anchor))).toBe(anchor);
  });

  it("after a connection that failed to connect opens no other until a pause has passed", () => {
    const { pool, opened } = poolOf(3);
    const anchor = new FakeConnection();
    anchor.streamCount = 1;
    pool.pick(real(anchor));
    opened[0]!.events?.onClose(real(opened[0]!), new Error("ECONNREFUSED"));
    pool.pick(real(anchor));
    pool.pick(real(anchor));
    expect(opened).toHaveLength(1);
  });

  it("closes its connections when the channel's connection closes, and starts over with the next one", () => {
    const { pool, opened } = poolOf(2);
    const anchor = new FakeConnection();
    anchor.streamCount = 1;
    pool.pick(real(anchor));
    ready(opened[0]!);
    anchor.session.emit("close");
    expect(opened[0]!.isClosed).toBe(true);
    const next = new FakeConnection();
    expect(pool.pick(real(next))).toBe(next);
    expect(pool.extraCount).toBe(0);
  });

  it("closes a connection that became ready after the channel's connection was gone", () => {
    const { pool, opened } = poolOf(2);
    const anchor = new FakeConnection();
    anchor.streamCount = 1;
    pool.pick(real(anchor));
    const late = opened[0]!;
    anchor.session.emit("close");
    expect(late.isClosed).toBe(true); // a connection still connecting is given up at once
    ready(late);
    expect(pool.extraCount).toBe(0);
  });

  it("is not made for one connection, and rejects a size that is not a whole number from 1 to 64", () => {
    const options: ConnectionPoolSetup = { open: () => ({}) as ClientConnection, onReady: () => {}, onGoaway: () => {}, connectTimeoutMs: 1 };
    expect(createConnectionPool(undefined, options)).toBeUndefined();
    expect(createConnectionPool(1, options)).toBeUndefined();
    expect(createConnectionPool(4, options)).toBeInstanceOf(ConnectionPool);
    for (const bad of [0, 1.5, 65, Number.NaN]) expect(() => createConnectionPool(bad, options)).toThrow(RangeError);
    expect(() => createChannel("127.0.0.1:1", { connectionsPerAddress: 0 })).toThrow(/connectionsPerAddress/);
  });
});

describe("connectionsPerAddress against a server", () => {
  /** A server whose unary calls wait until released, recording the peer (client address and port: the connection) of each. */
  async function startHoldingServer(maxConcurrentStreams?: number) {
    const peers: string[] = [];
    const arrivals: (() => void)[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const server = await startEchoServer(
      {
        async unary(request, ctx) {
          peers.push(ctx.peer);
          arrivals.shift()?.();
          if (request.message === "hold") await released;
          return { message: ctx.peer };
        },
      },
      { server: { maxConcurrentStreams } },
    );
    /** Resolves when the next call reaches the handler. */
    const nextArrival = (): Promise<void> => new Promise((resolve) => arrivals.push(resolve));
    return { server, peers, release, nextArrival };
  }

  it("spreads calls in flight over that many connections, each new call on the least loaded", async () => {
    const { server, peers, release, nextArrival } = await startHoldingServer();
    const channel = createChannel(server.address, { connectionsPerAddress: 4 });
    const client = createClient(Echo, { channel });
    try {
      const held: Promise<unknown>[] = [];
      // Calls held open one after another: each busy connection makes the pool open the next.
      for (let i = 0; i < 100; i++) {
        const arrived = nextArrival();
        held.push(client.unary({ message: "hold" }));
        await arrived;
      }
      const perConnection = new Map<string, number>();
      for (const peer of peers) perConnection.set(peer, (perConnection.get(peer) ?? 0) + 1);
      expect(perConnection.size).toBe(4);
      const counts = [...perConnection.values()];
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      release();
      await Promise.all(held);
    } finally {
      channel.close();
      await server.close();
    }
  });

  it("runs more calls at once than one connection's MAX_CONCURRENT_STREAMS allows", async () => {
    const { server, peers, release, nextArrival } = await startHoldingServer(2);
    const channel = createChannel(server.address, { connectionsPerAddress: 3 });
    const client = createClient(Echo, { channel });
    try {
      // Quick calls, three at a time, until the pool has its three connections.
      for (let round = 0; round < 200 && new Set(peers).size < 3; round++) {
        await Promise.all([client.unary({ message: "quick" }), client.unary({ message: "quick" }), client.unary({ message: "quick" })]);
      }
      expect(new Set(peers).size).toBe(3);
      const held: Promise<unknown>[] = [];
      for (let i = 0; i < 6; i++) {
        const arrived = nextArrival();
        held.push(client.unary({ message: "hold" }));
        await arrived; // with one connection the third call would wait here for a stream to end
      }
      release();
      await Promise.all(held);
    } finally {
      channel.close();
      await server.close();
    }
  });
});
