import { isIP } from "node:net";
import type { PeerCertificate } from "node:tls";

/** A peer's TLS certificate, as node:tls describes it. */
export type { PeerCertificate };

/** PEM text or bytes, as node:tls takes them. */
export type Pem = string | Uint8Array;

/** No transport security: plaintext HTTP/2 ("h2c"). For loopback, tests and trusted networks. */
export interface InsecureCredentials {
  readonly kind: "insecure";
}

/** TLS for a server; with `clientCa` and `requireClientCertificate`, mutual TLS. */
export interface ServerTlsCredentials {
  readonly kind: "server-tls";
  readonly cert: Pem;
  readonly key: Pem;
  /** CA certificates that client certificates must chain to. */
  readonly clientCa?: Pem | undefined;
  /** Refuse clients that present no certificate signed by `clientCa` (mTLS). */
  readonly requireClientCertificate?: boolean | undefined;
}

/** TLS for a client channel. */
export interface ChannelTlsCredentials {
  readonly kind: "channel-tls";
  /** CA certificates the server must chain to; the system roots when absent. */
  readonly ca?: Pem | undefined;
  /** A client certificate and key, for servers that require mTLS. */
  readonly cert?: Pem | undefined;
  readonly key?: Pem | undefined;
  /** The name checked against the server certificate (and sent as SNI and :authority) instead of the dialled host. */
  readonly serverNameOverride?: string | undefined;
  /** false accepts any server certificate, unchecked (grpcurl -insecure): for tests and debugging only. Default true. */
  readonly verifyServerCertificate?: boolean | undefined;
}

/** Credentials a server listens with. */
export type ServerCredentials = InsecureCredentials | ServerTlsCredentials;
/** Credentials a channel connects with. */
export type ChannelCredentials = InsecureCredentials | ChannelTlsCredentials;

/** Plaintext credentials, for a server or a channel. */
export function insecure(): InsecureCredentials {
  return { kind: "insecure" };
}

/** TLS credentials for a server; throws TypeError if cert or key is missing. */
export function serverTls(options: Omit<ServerTlsCredentials, "kind">): ServerTlsCredentials {
  if (!options.cert || !options.key) throw new TypeError("serverTls needs both cert and key");
  if (options.requireClientCertificate && !options.clientCa) {
    throw new TypeError("serverTls: requireClientCertificate needs clientCa to verify client certificates against");
  }
  return { kind: "server-tls", ...options };
}

/** TLS credentials for a channel; throws TypeError for a cert without a key or the reverse. */
export function channelTls(options: Omit<ChannelTlsCredentials, "kind"> = {}): ChannelTlsCredentials {
  if (Boolean(options.cert) !== Boolean(options.key)) throw new TypeError("channelTls needs cert and key together");
  return { kind: "channel-tls", ...options };
}

const ALPN_H2 = ["h2"];

/** PEM in the form node:tls option types take (they want Buffer, not any Uint8Array). */
export type TlsPem = string | Buffer;

function toTlsPem(pem: Pem): TlsPem {
  return typeof pem === "string" || Buffer.isBuffer(pem) ? pem : Buffer.from(pem.buffer, pem.byteOffset, pem.byteLength);
}

/** node:http2 createSecureServer options for server TLS credentials (ALPN "h2" only: gRPC needs HTTP/2). */
export function secureServerOptions(credentials: ServerTlsCredentials): {
  cert: TlsPem;
  key: TlsPem;
  ca?: TlsPem;
  requestCert: boolean;
  rejectUnauthorized: boolean;
  ALPNProtocols: string[];
} {
  const hasClientCa = credentials.clientCa !== undefined;
  return {
    cert: toTlsPem(credentials.cert),
    key: toTlsPem(credentials.key),
    ...(hasClientCa ? { ca: toTlsPem(credentials.clientCa as Pem) } : {}),
    requestCert: hasClientCa,
    rejectUnauthorized: credentials.requireClientCertificate === true,
    ALPNProtocols: ALPN_H2,
  };
}

/** node:http2 connect options for channel TLS credentials. */
export function secureConnectOptions(credentials: ChannelTlsCredentials, host: string): {
  ca?: TlsPem;
  cert?: TlsPem;
  key?: TlsPem;
  servername?: string;
  rejectUnauthorized?: boolean;
  ALPNProtocols: string[];
} {
  const servername = credentials.serverNameOverride ?? (isIP(host) === 0 ? host : undefined);
  return {
    ...(credentials.ca !== undefined ? { ca: toTlsPem(credentials.ca) } : {}),
    ...(credentials.cert !== undefined ? { cert: toTlsPem(credentials.cert), key: toTlsPem(credentials.key as Pem) } : {}),
    // SNI must not be an IP address (RFC 6066 §3); node checks the certificate against servername,
    // or against the dialled host when there is none.
    ...(servername !== undefined ? { servername } : {}),
    ...(credentials.verifyServerCertificate === false ? { rejectUnauthorized: false } : {}),
    ALPNProtocols: ALPN_H2,
  };
}

/** The peer certificate of a TLS socket, or undefined for plaintext or a client that sent none. */
export function peerCertificateOf(socket: { getPeerCertificate?: (detailed?: boolean) => PeerCertificate }): PeerCertificate | undefined {
  const cert = socket.getPeerCertificate?.(true);
  return cert === undefined || cert === null || Object.keys(cert).length === 0 ? undefined : cert;
}
