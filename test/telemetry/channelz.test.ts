// #15: the channelz service (gRFC A14) shows this process's channels, their connections as
// subchannels and sockets, its servers and their connections, with call and message counters,
// addresses and TLS details, through grpc.channelz.v1.Channelz, as grpc-go's channelz does.
import { afterEach, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { GrpcError } from "../../src/grpc-error.js";
import { addChannelz, type ChannelzDefinition } from "../../src/services/channelz.js";
import { loadStandardService } from "../../src/services/standard-protos.js";
import { Status } from "../../src/status.js";
import { channelTls, serverTls } from "../../src/transport/tls.js";
import { testCerts } from "../helpers/certs.js";
import { Echo } from "../helpers/echo.js";
import { requirePeer } from "../helpers/peers.js";
import { startServer } from "../helpers/start-server.js";

const Channelz = loadStandardService<ChannelzDefinition>("grpc/channelz/v1/channelz.proto", "grpc.channelz.v1.Channelz");

const clients: object[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) closeClient(client);
});

function track<C extends object>(client: C): C {
  clients.push(client);
  return client;
}

/** A server with Echo and channelz; `fail` answers NOT_FOUND. */
async function channelzServer(options: { credentials?: ReturnType<typeof serverTls> } = {}) {
  return startServer(
    (server) => {
      addChannelz(server);
      server.addService(Echo, {
        async unary(request) {
          if (request.message === "fail") throw new GrpcError(Status.NOT_FOUND, "nothing here");
          return { message: request.message };
        },
        async *serverStream(request) {
          for (let i = 0; i < request.count; i++) yield { index: i };
        },
        async clientStream(requests) {
          let count = 0;
          for await (const _ of requests) count++;
          return { index: count };
        },
      });
    },
    {},
    { credentials: options.credentials },
  );
}

interface Ref {
  channelId?: string;
  serverId?: string;
  subchannelId?: string;
  socketId?: string;
  name?: string;
}
interface Data {
  callsStarted?: string;
  callsSucceeded?: string;
  callsFailed?: string;
  target?: string;
  state?: { state?: string };
  lastCallStartedTimestamp?: { seconds?: string } | null;
}

describe("#15 channelz", () => {
  it("lists the channel with its call counters, its subchannel and socket with stream and message counters", async () => {
    const started = await channelzServer();
    const echo = track(createClient(Echo, { address: started.address }));
    await echo.unary({ message: "a" });
    await echo.unary({ message: "b" });
    await expect(echo.unary({ message: "fail" })).rejects.toMatchObject({ code: Status.NOT_FOUND });

    const channelz = track(createClient(Channelz, { address: started.address }));
    const top = (await channelz.getTopChannels({})) as { channel?: { ref?: Ref; data?: Data; subchannelRef?: Ref[] }[]; end?: boolean };
    expect(top.end).toBe(true);
    const channel = top.channel?.find((candidate) => candidate.data?.target === started.address && candidate.data?.callsStarted === "3");
    expect(channel).toBeDefined();
    expect(channel?.data).toMatchObject({ callsStarted: "3", callsSucceeded: "2", callsFailed: "1", state: { state: "READY" } });
    expect(Number(channel?.data?.lastCallStartedTimestamp?.seconds)).toBeGreaterThan(0);

    const subchannelId = channel?.subchannelRef?.[0]?.subchannelId;
    expect(subchannelId).toBeDefined();
    const { subchannel } = (await channelz.getSubchannel({ subchannelId })) as { subchannel?: { data?: Data; socketRef?: Ref[] } };
    expect(subchannel?.data).toMatchObject({ target: started.address, state: { state: "READY" }, callsStarted: "3" });

    const socketId = subchannel?.socketRef?.[0]?.socketId;
    const { socket } = (await channelz.getSocket({ socketId })) as {
      socket?: { data?: Record<string, string>; local?: { tcpipAddress?: { ipAddress?: Uint8Array; port?: number } }; remote?: { tcpipAddress?: { ipAddress?: Uint8Array; port?: number } } };
    };
    // Counting starts with addChannelz, before these calls: three streams, one message each way.
    expect(socket?.data).toMatchObject({ streamsStarted: "3", streamsSucceeded: "3", streamsFailed: "0", messagesSent: "3", messagesReceived: "2" });
    expect([...(socket?.remote?.tcpipAddress?.ipAddress ?? [])]).toEqual([127, 0, 0, 1]);
    expect(socket?.remote?.tcpipAddress?.port).toBe(started.port);

    const { channel: same } = (await channelz.getChannel({ channelId: channel?.ref?.channelId })) as { channel?: { data?: Data } };
    expect(same?.data?.callsStarted).toBe("3");
  });

  it("lists the server with its counters, listening socket and each connection", async () => {
    const started = await channelzServer();
    const echo = track(createClient(Echo, { address: started.address }));
    await echo.unary({ message: "a" });
    const channelz = track(createClient(Channelz, { address: started.address }));

    const { server: servers } = (await channelz.getServers({})) as { server?: { ref?: Ref; data?: Data; listenSocket?: Ref[] }[] };
    const server = servers?.find((candidate) => candidate.listenSocket?.length === 1 && Number(candidate.data?.callsStarted) >= 1);
    expect(server).toBeDefined();
    const serverId = server?.ref?.serverId;
    // The calls so far: Echo's one and this GetServers (counted when it started).
    expect(server?.data).toMatchObject({ callsStarted: "2", callsSucceeded: "1" });

    const { server: one } = (await channelz.getServer({ serverId })) as { server?: { ref?: Ref } };
    expect(one?.ref?.serverId).toBe(serverId);

    const { socket: listen } = (await channelz.getSocket({ socketId: server?.listenSocket?.[0]?.socketId })) as {
      socket?: { local?: { tcpipAddress?: { port?: number } } };
    };
    expect(listen?.local?.tcpipAddress?.port).toBe(started.port);

    const sockets = (await channelz.getServerSockets({ serverId })) as { socketRef?: Ref[]; end?: boolean };
    expect(sockets.end).toBe(true);
    // Two clients, two connections: Echo's and channelz's own.
    expect(sockets.socketRef).toHaveLength(2);
    const paged = (await channelz.getServerSockets({ serverId, maxResults: 1 })) as { socketRef?: Ref[]; end?: boolean };
    expect(paged).toMatchObject({ end: false });
    expect(paged.socketRef).toHaveLength(1);
    const rest = (await channelz.getServerSockets({ serverId, startSocketId: Number(paged.socketRef?.[0]?.socketId) + 1 })) as { socketRef?: Ref[]; end?: boolean };
    expect(rest.socketRef).toHaveLength(1);
    expect(rest.end).toBe(true);

    const summary = (await channelz.getSocket({ socketId: rest.socketRef?.[0]?.socketId, summary: true })) as { socket?: { data?: object; remote?: object } };
    expect(summary.socket?.data).toBeDefined();
    expect(summary.socket?.remote).toBeFalsy();
  });

  it("counts every message of a server stream on the server's socket, though the burst goes out in one write", async () => {
    const started = await channelzServer();
    const echo = track(createClient(Echo, { address: started.address }));
    let received = 0;
    for await (const _ of echo.serverStream({ count: 50 })) received++;
    expect(received).toBe(50);
    const channelz = track(createClient(Channelz, { address: started.address }));
    const { server: servers } = (await channelz.getServers({})) as { server?: { ref?: Ref; listenSocket?: Ref[] }[] };
    const serverId = servers?.find((candidate) => candidate.listenSocket?.length === 1)?.ref?.serverId;
    const sockets = (await channelz.getServerSockets({ serverId })) as { socketRef?: Ref[] };
    const data = await Promise.all((sockets.socketRef ?? []).map(async (ref) => ((await channelz.getSocket({ socketId: ref.socketId })) as { socket?: { data?: Record<string, string> } }).socket?.data));
    // Echo's connection: one stream, one request in, fifty replies out.
    expect(data).toContainEqual(expect.objectContaining({ streamsStarted: "1", messagesReceived: "1", messagesSent: "50" }));
  });

  it("counts every request of a client stream on the client's socket, though the requests go out in one write", async () => {
    const started = await channelzServer();
    const echo = track(createClient(Echo, { address: started.address }));
    const requests = Array.from({ length: 50 }, (_, i) => ({ count: i }));
    expect((await echo.clientStream(requests)).index).toBe(50);
    const channelz = track(createClient(Channelz, { address: started.address }));
    const top = (await channelz.getTopChannels({})) as { channel?: { data?: Data; subchannelRef?: Ref[] }[] };
    const channel = top.channel?.find((candidate) => candidate.data?.target === started.address && candidate.data?.callsStarted === "1");
    const { subchannel } = (await channelz.getSubchannel({ subchannelId: channel?.subchannelRef?.[0]?.subchannelId })) as { subchannel?: { socketRef?: Ref[] } };
    const { socket } = (await channelz.getSocket({ socketId: subchannel?.socketRef?.[0]?.socketId })) as { socket?: { data?: Record<string, string> } };
    expect(socket?.data).toMatchObject({ streamsStarted: "1", messagesSent: "50", messagesReceived: "1" });
  });

  it("answers NOT_FOUND for ids it does not know, and forgets closed channels", async () => {
    const started = await channelzServer();
    const channelz = track(createClient(Channelz, { address: started.address }));
    for (const ask of [
      () => channelz.getChannel({ channelId: 999_999_999 }),
      () => channelz.getSubchannel({ subchannelId: 999_999_999 }),
      () => channelz.getServer({ serverId: 999_999_999 }),
      () => channelz.getServerSockets({ serverId: 999_999_999 }),
      () => channelz.getSocket({ socketId: 999_999_999 }),
    ]) {
      await expect(ask()).rejects.toMatchObject({ code: Status.NOT_FOUND, details: expect.stringContaining("999999999") });
    }

    const echo = createClient(Echo, { address: started.address });
    await echo.unary({ message: "a" });
    const before = (await channelz.getTopChannels({})) as { channel?: { ref?: Ref }[] };
    closeClient(echo);
    const after = (await channelz.getTopChannels({})) as { channel?: { ref?: Ref }[] };
    expect((after.channel ?? []).length).toBe((before.channel ?? []).length - 1);
  });
});

describe.skipIf(!requirePeer("channelz TLS tests", "openssl"))("#15 channelz over TLS", () => {
  it("reports the cipher and both certificates of an mTLS connection", async () => {
    const certs = testCerts();
    const started = await channelzServer({ credentials: serverTls({ cert: certs.serverCert, key: certs.serverKey, clientCa: certs.caCert, requireClientCertificate: true }) });
    const channelz = track(
      createClient(Channelz, { address: `localhost:${started.port}`, credentials: channelTls({ ca: certs.caCert, cert: certs.clientCert, key: certs.clientKey }) }),
    );
    const { server: servers } = (await channelz.getServers({})) as { server?: { ref?: Ref; listenSocket?: Ref[] }[] };
    const server = servers?.find((candidate) => candidate.listenSocket?.length === 1);
    const sockets = (await channelz.getServerSockets({ serverId: server?.ref?.serverId })) as { socketRef?: Ref[] };
    const serverSide = await Promise.all((sockets.socketRef ?? []).map((ref) => channelz.getSocket({ socketId: ref.socketId })));
    const tls = serverSide
      .map((answer) => (answer as { socket?: { security?: { tls?: { standardName?: string; localCertificate?: Uint8Array; remoteCertificate?: Uint8Array } } } }).socket?.security?.tls)
      .find((candidate) => candidate !== undefined);
    expect(tls?.standardName).toMatch(/^TLS_/);
    expect(tls?.localCertificate?.length).toBeGreaterThan(100);
    expect(tls?.remoteCertificate?.length).toBeGreaterThan(100);
  });
});
