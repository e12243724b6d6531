import type { LooseMessage, MethodDefinition, ServiceDefinition } from "../definition.js";
import { GrpcError } from "../grpc-error.js";
import type { Server } from "../server/server-options.js";
import { Status } from "../status.js";
import type { CallStats } from "../telemetry/call-counters.js";
import {
  channelSnapshots,
  serverSnapshots,
  type ChannelSnapshot,
  type ServerSnapshot,
  type SocketEndpoint,
  type SocketSnapshot,
  type SubchannelSnapshot,
} from "../telemetry/channelz-registry.js";
import { enableSocketCounters } from "../telemetry/socket-counters.js";
import { loadStandardService } from "./standard-protos.js";

/** An int64 id or count as a sender writes it; a receiver gets the decimal string. */
type Int64 = string | number;

/** A channelz unary method: typed requests; the large responses stay loose messages. */
type ChannelzMethod<Req> = MethodDefinition<Req, LooseMessage, { [K in keyof Req]-?: Req[K] extends boolean | undefined ? boolean : string }, LooseMessage, "unary">;

/** grpc.channelz.v1.Channelz (protos/grpc/channelz/v1/channelz.proto), for `createClient`. */
export type ChannelzDefinition = ServiceDefinition<{
  getTopChannels: ChannelzMethod<{ startChannelId?: Int64; maxResults?: Int64 }>;
  getServers: ChannelzMethod<{ startServerId?: Int64; maxResults?: Int64 }>;
  getServer: ChannelzMethod<{ serverId?: Int64 }>;
  getServerSockets: ChannelzMethod<{ serverId?: Int64; startSocketId?: Int64; maxResults?: Int64 }>;
  getChannel: ChannelzMethod<{ channelId?: Int64 }>;
  getSubchannel: ChannelzMethod<{ subchannelId?: Int64 }>;
  getSocket: ChannelzMethod<{ socketId?: Int64; summary?: boolean }>;
}>;

// gRFC A14: "If zero, the server will choose a reasonable page size".
const DEFAULT_PAGE_SIZE = 100;

/**
 * Adds grpc.channelz.v1.Channelz (gRFC A14) to `server`, so existing channelz tools can inspect
 * this process: its channels (with their connections as subchannels and sockets) and servers,
 * their call counters, and each connection's streams, messages, keepalives, addresses and TLS.
 * Opt-in: it also turns on per-connection counting, which costs a clock read per message.
 */
export function addChannelz(server: Server): void {
  enableSocketCounters();
  const Channelz = loadStandardService<ChannelzDefinition>("grpc/channelz/v1/channelz.proto", "grpc.channelz.v1.Channelz");
  server.addService(Channelz, {
    async getTopChannels(request) {
      const { startChannelId, maxResults } = request;
      const page = pageOf(channelSnapshots(), Number(startChannelId), Number(maxResults));
      return { channel: page.items.map(toChannel), end: page.end };
    },
    async getServers(request) {
      const { startServerId, maxResults } = request;
      const page = pageOf(serverSnapshots(), Number(startServerId), Number(maxResults));
      return { server: page.items.map(toServer), end: page.end };
    },
    async getServer(request) {
      return { server: toServer(byId(serverSnapshots(), "server", request.serverId)) };
    },
    async getServerSockets(request) {
      const { serverId, startSocketId, maxResults } = request;
      const snapshot = byId(serverSnapshots(), "server", serverId);
      const page = pageOf([...snapshot.sockets].sort((a, b) => a.id - b.id), Number(startSocketId), Number(maxResults));
      return { socketRef: page.items.map(socketRef), end: page.end };
    },
    async getChannel(request) {
      return { channel: toChannel(byId(channelSnapshots(), "channel", request.channelId)) };
    },
    async getSubchannel(request) {
      const subchannels = channelSnapshots().flatMap((channel) => channel.subchannels);
      return { subchannel: toSubchannel(byId(subchannels, "subchannel", request.subchannelId)) };
    },
    async getSocket(request) {
      const full = toSocket(byId(allSockets(), "socket", request.socketId));
      return { socket: request.summary ? { ref: full.ref, data: full.data } : full };
    },
  });
}

function allSockets(): SocketSnapshot[] {
  const fromChannels = channelSnapshots().flatMap((channel) => channel.subchannels.flatMap((subchannel) => subchannel.sockets));
  const fromServers = serverSnapshots().flatMap((server) => [...server.listenSockets, ...server.sockets]);
  return [...fromChannels, ...fromServers];
}

/** The items with an id at or above `startId`, at most `maxResults` (0: a default page), and whether that was all. */
function pageOf<T extends { readonly id: number }>(items: readonly T[], startId: number, maxResults: number): { items: T[]; end: boolean } {
  const from = items.filter((item) => item.id >= startId);
  const size = maxResults > 0 ? maxResults : DEFAULT_PAGE_SIZE;
  return { items: from.slice(0, size), end: from.length <= size };
}

function toChannel(snapshot: ChannelSnapshot): LooseMessage {
  return {
    ref: { channelId: snapshot.id, name: snapshot.target },
    data: { state: { state: snapshot.state }, target: snapshot.target, ...callData(snapshot.stats) },
    subchannelRef: snapshot.subchannels.map((subchannel) => ({ subchannelId: subchannel.id, name: subchannel.target })),
  };
}

function toServer(snapshot: ServerSnapshot): LooseMessage {
  return { ref: { serverId: snapshot.id }, data: callData(snapshot.stats), listenSocket: snapshot.listenSockets.map(socketRef) };
}

function toSubchannel(snapshot: SubchannelSnapshot): LooseMessage {
  return {
    ref: { subchannelId: snapshot.id, name: snapshot.target },
    data: { state: { state: snapshot.state }, target: snapshot.target, ...callData(snapshot.stats) },
    socketRef: snapshot.sockets.map(socketRef),
  };
}

function toSocket(snapshot: SocketSnapshot): LooseMessage & { ref: LooseMessage; data: LooseMessage } {
  const stats = snapshot.stats;
  return {
    ref: socketRef(snapshot),
    data:
      stats === undefined
        ? {}
        : {
            streamsStarted: stats.streamsStarted,
            streamsSucceeded: stats.streamsSucceeded,
            streamsFailed: stats.streamsFailed,
            messagesSent: stats.messagesSent,
            messagesReceived: stats.messagesReceived,
            keepAlivesSent: stats.keepalivesSent,
            lastLocalStreamCreatedTimestamp: timestamp(stats.lastLocalStreamAt),
            lastRemoteStreamCreatedTimestamp: timestamp(stats.lastRemoteStreamAt),
            lastMessageSentTimestamp: timestamp(stats.lastMessageSentAt),
            lastMessageReceivedTimestamp: timestamp(stats.lastMessageReceivedAt),
          },
    local: address(snapshot.local),
    remote: address(snapshot.remote),
    security:
      snapshot.tls === undefined
        ? undefined
        : { tls: { standardName: snapshot.tls.cipher, localCertificate: snapshot.tls.localCertificate, remoteCertificate: snapshot.tls.remoteCertificate } },
    remoteName: snapshot.name,
  };
}

function socketRef(snapshot: SocketSnapshot): LooseMessage {
  return { socketId: snapshot.id, name: snapshot.name };
}

function callData(stats: CallStats): LooseMessage {
  return {
    callsStarted: stats.callsStarted,
    callsSucceeded: stats.callsSucceeded,
    callsFailed: stats.callsFailed,
    lastCallStartedTimestamp: timestamp(stats.lastCallStartedAt),
  };
}

/** A google.protobuf.Timestamp for epoch ms, or undefined. */
function timestamp(epochMs: number | undefined): LooseMessage | undefined {
  if (epochMs === undefined) return undefined;
  return { seconds: Math.floor(epochMs / 1000), nanos: (epochMs % 1000) * 1_000_000 };
}

function address(endpoint: SocketEndpoint | undefined): LooseMessage | undefined {
  if (endpoint === undefined) return undefined;
  if ("path" in endpoint) return { udsAddress: { filename: endpoint.path } };
  return { tcpipAddress: { ipAddress: ipBytes(endpoint.host), port: endpoint.port } };
}

/** An IPv4 or IPv6 address as its 4 or 16 bytes (channelz's TcpIpAddress.ip_address). */
export function ipBytes(host: string): Uint8Array {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  const ipv4 = mapped?.[1] ?? (/^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : undefined);
  if (ipv4 !== undefined) return Uint8Array.from(ipv4.split(".").map(Number));
  const [head = "", tail = ""] = host.split("::");
  const groups = (text: string): number[] => (text === "" ? [] : text.split(":").map((group) => parseInt(group, 16)));
  const front = groups(head);
  const back = host.includes("::") ? groups(tail) : [];
  const all = host.includes("::") ? [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back] : front;
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

/** The entity with channelz id `id` (a decimal string); throws NOT_FOUND naming the kind and id. */
function byId<T extends { readonly id: number }>(items: readonly T[], kind: string, id: string): T {
  const found = items.find((candidate) => candidate.id === Number(id));
  if (found === undefined) throw new GrpcError(Status.NOT_FOUND, `no ${kind} with id ${id}`);
  return found;
}
