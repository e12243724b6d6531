import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import type { SocketSnapshot } from "../telemetry/channelz-registry.js";
import { channelzIdOf } from "../telemetry/channelz-registry.js";
import type { SocketCounters } from "../telemetry/socket-counters.js";

/** How channelz describes a connected (or listening) socket: its addresses, counters and TLS details. */
export function snapshotSocket(socket: Socket, counters: SocketCounters | undefined): SocketSnapshot {
  const local = socket.localAddress === undefined ? undefined : { host: socket.localAddress, port: socket.localPort ?? 0 };
  const remote = socket.remoteAddress === undefined ? undefined : { host: socket.remoteAddress, port: socket.remotePort ?? 0 };
  const name = remote === undefined ? "" : remote.host.includes(":") ? `[${remote.host}]:${remote.port}` : `${remote.host}:${remote.port}`;
  let tls: SocketSnapshot["tls"];
  if (socket instanceof TLSSocket) {
    tls = {
      cipher: socket.getCipher()?.standardName,
      localCertificate: socket.getX509Certificate()?.raw,
      remoteCertificate: socket.getPeerX509Certificate()?.raw,
    };
  }
  return { id: channelzIdOf(socket), name, local, remote, stats: counters?.stats(), tls };
}

/** A listening socket: its bound address, no counters. */
export function snapshotListenSocket(server: object, address: { address: string; port: number } | string | null): SocketSnapshot {
  const local = address === null ? undefined : typeof address === "string" ? { path: address } : { host: address.address, port: address.port };
  return { id: channelzIdOf(server), name: "listen", local, remote: undefined, stats: undefined, tls: undefined };
}
