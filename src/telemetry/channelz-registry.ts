import type { CallStats } from "./call-counters.js";
import type { SocketStats } from "./socket-counters.js";

// What channelz (gRFC A14) can see of this process: the channels and servers alive now, each able
// to describe itself on demand. Channels and servers register when made and leave when closed
// (or collected: the registry holds them weakly). Ids are positive and unique in the process.

/** Where a socket is bound: a TCP host and port, or a unix path. */
export type SocketEndpoint = { readonly host: string; readonly port: number } | { readonly path: string };

/** One connection (or listening socket) as channelz shows it. */
export interface SocketSnapshot {
  readonly id: number;
  readonly name: string;
  readonly local: SocketEndpoint | undefined;
  readonly remote: SocketEndpoint | undefined;
  /** Undefined for a listening socket. */
  readonly stats: SocketStats | undefined;
  /** For TLS: the cipher suite's standard name and the certificates (DER). */
  readonly tls: { readonly cipher: string | undefined; readonly localCertificate: Uint8Array | undefined; readonly remoteCertificate: Uint8Array | undefined } | undefined;
}

/** A subchannel: one address a channel connects to, and its sockets. */
export interface SubchannelSnapshot {
  readonly id: number;
  readonly target: string;
  readonly state: string;
  readonly stats: CallStats;
  readonly sockets: readonly SocketSnapshot[];
}

/** A channel the application made. */
export interface ChannelSnapshot {
  readonly id: number;
  readonly target: string;
  readonly state: string;
  readonly stats: CallStats;
  readonly subchannels: readonly SubchannelSnapshot[];
}

/** A server. */
export interface ServerSnapshot {
  readonly id: number;
  readonly stats: CallStats;
  readonly listenSockets: readonly SocketSnapshot[];
  readonly sockets: readonly SocketSnapshot[];
}

/** Something channelz lists: it describes itself when asked. */
export interface ChannelzSource<S> {
  channelzSnapshot(): S;
}

let nextId = 1;
const ids = new WeakMap<object, number>();
const channels = new Map<number, WeakRef<ChannelzSource<ChannelSnapshot>>>();
const servers = new Map<number, WeakRef<ChannelzSource<ServerSnapshot>>>();

/** The channelz id of `entity` (a channel, a connection, a server, a socket), the same for its lifetime. */
export function channelzIdOf(entity: object): number {
  let id = ids.get(entity);
  if (id === undefined) {
    id = nextId++;
    ids.set(entity, id);
  }
  return id;
}

/** Lists a channel in channelz until `unregister` (its close) is called. */
export function registerChannel(channel: ChannelzSource<ChannelSnapshot> & object): () => void {
  const id = channelzIdOf(channel);
  channels.set(id, new WeakRef(channel));
  return () => channels.delete(id);
}

/** Lists a server in channelz until `unregister` (its close) is called. */
export function registerServer(server: ChannelzSource<ServerSnapshot> & object): () => void {
  const id = channelzIdOf(server);
  servers.set(id, new WeakRef(server));
  return () => servers.delete(id);
}

/** The live channels, by ascending id. */
export function channelSnapshots(): ChannelSnapshot[] {
  return snapshots(channels);
}

/** The live servers, by ascending id. */
export function serverSnapshots(): ServerSnapshot[] {
  return snapshots(servers);
}

function snapshots<S>(registry: Map<number, WeakRef<ChannelzSource<S>>>): S[] {
  const out: S[] = [];
  for (const [id, ref] of [...registry].sort(([a], [b]) => a - b)) {
    const source = ref.deref();
    if (source === undefined) registry.delete(id);
    else out.push(source.channelzSnapshot());
  }
  return out;
}
