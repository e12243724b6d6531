import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import {
  channelTls,
  insecure,
  peerCertificateOf,
  secureConnectOptions,
  secureServerOptions,
  serverTls,
  type ChannelTlsCredentials,
  type ServerTlsCredentials,
} from "../../src/transport/tls.js";
import { testCerts } from "../helpers/certs.js";
import { requirePeer } from "../helpers/peers.js";

describe("credentials", () => {
  it("builds insecure, server and channel credentials", () => {
    expect(insecure()).toEqual({ kind: "insecure" });
    expect(serverTls({ cert: "c", key: "k" })).toEqual({ kind: "server-tls", cert: "c", key: "k" });
    expect(channelTls()).toEqual({ kind: "channel-tls" });
    expect(channelTls({ ca: "a", serverNameOverride: "gsh.com" })).toEqual({ kind: "channel-tls", ca: "a", serverNameOverride: "gsh.com" });
  });

  it("rejects incomplete credentials with TypeError", () => {
    expect(() => serverTls({ cert: "c", key: "" })).toThrow(new TypeError("serverTls needs both cert and key"));
    expect(() => serverTls({ cert: "c", key: "k", requireClientCertificate: true })).toThrow(
      new TypeError("serverTls: requireClientCertificate needs clientCa to verify client certificates against"),
    );
    expect(() => channelTls({ cert: "c" })).toThrow(new TypeError("channelTls needs cert and key together"));
    expect(() => channelTls({ key: "k" })).toThrow(TypeError);
  });

  it("offers only h2 over ALPN and asks for client certificates only with a client CA", () => {
    const plain = secureServerOptions(serverTls({ cert: "c", key: "k" }));
    expect(plain).toEqual({ cert: "c", key: "k", requestCert: false, rejectUnauthorized: false, ALPNProtocols: ["h2"] });
    const mutual = secureServerOptions(serverTls({ cert: "c", key: "k", clientCa: "ca", requireClientCertificate: true }));
    expect(mutual).toMatchObject({ ca: "ca", requestCert: true, rejectUnauthorized: true });
  });

  it("hands PEM bytes to node:tls as Buffers", () => {
    const options = secureServerOptions(serverTls({ cert: new Uint8Array([1]), key: new Uint8Array([2]) }));
    expect(Buffer.isBuffer(options.cert)).toBe(true);
    expect(Buffer.isBuffer(secureConnectOptions(channelTls({ ca: new Uint8Array([3]) }), "h").ca)).toBe(true);
  });

  it("sends SNI for host names and the override, never for an IP address (RFC 6066 §3)", () => {
    expect(secureConnectOptions(channelTls(), "example.com").servername).toBe("example.com");
    expect(secureConnectOptions(channelTls(), "127.0.0.1")).not.toHaveProperty("servername");
    expect(secureConnectOptions(channelTls(), "::1")).not.toHaveProperty("servername");
    expect(secureConnectOptions(channelTls({ serverNameOverride: "gsh.com" }), "127.0.0.1").servername).toBe("gsh.com");
    expect(secureConnectOptions(channelTls({ cert: "c", key: "k" }), "h")).toMatchObject({ cert: "c", key: "k", ALPNProtocols: ["h2"] });
  });

  it("reads no peer certificate from a plaintext socket or an empty one", () => {
    expect(peerCertificateOf({})).toBeUndefined();
    expect(peerCertificateOf({ getPeerCertificate: () => ({}) as never })).toBeUndefined();
  });
});

describe.skipIf(!requirePeer("TLS handshake tests", "openssl"))("TLS handshakes on loopback", () => {
  const servers: http2.Http2SecureServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** Starts a TLS HTTP/2 server that answers with the CN of the client certificate, if any. */
  async function listen(credentials: ServerTlsCredentials): Promise<number> {
    const server = http2.createSecureServer(secureServerOptions(credentials));
    servers.push(server);
    server.on("stream", (stream) => {
      const cert = peerCertificateOf(stream.session?.socket as TLSSocket);
      stream.respond({ ":status": 200 });
      stream.end(cert?.subject.CN ?? "anonymous");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
  }

  /** One request; resolves with the body, or rejects with the connection's error. */
  function request(port: number, credentials: ChannelTlsCredentials): Promise<string> {
    return new Promise((resolve, reject) => {
      const session = http2.connect(`https://127.0.0.1:${port}`, secureConnectOptions(credentials, "127.0.0.1"));
      session.on("error", reject);
      const stream = session.request({ ":path": "/" });
      // A failed handshake cancels the pending stream; its cause is the session's error.
      stream.on("error", (error: Error) => reject(error.cause ?? error));
      let body = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (body += chunk));
      stream.on("end", () => {
        session.close();
        resolve(body);
      });
    });
  }

  it("connects to 127.0.0.1 with a certificate for gsh.com through serverNameOverride", async () => {
    const certs = testCerts();
    const port = await listen(serverTls({ cert: certs.serverCert, key: certs.serverKey }));
    await expect(request(port, channelTls({ ca: certs.caCert, serverNameOverride: "gsh.com" }))).resolves.toBe("anonymous");
    await expect(request(port, channelTls({ ca: certs.caCert }))).resolves.toBe("anonymous"); // IP SAN 127.0.0.1
  });

  it("refuses a server certificate for another name", async () => {
    const certs = testCerts();
    const port = await listen(serverTls({ cert: certs.serverCert, key: certs.serverKey }));
    await expect(request(port, channelTls({ ca: certs.caCert, serverNameOverride: "example.org" }))).rejects.toMatchObject({
      code: "ERR_TLS_CERT_ALTNAME_INVALID",
    });
  });

  it("verifies client certificates for mTLS and refuses one from another CA", async () => {
    const certs = testCerts();
    const port = await listen(
      serverTls({ cert: certs.serverCert, key: certs.serverKey, clientCa: certs.caCert, requireClientCertificate: true }),
    );
    const trusted = { ca: certs.caCert, serverNameOverride: "gsh.com" };
    await expect(request(port, channelTls({ ...trusted, cert: certs.clientCert, key: certs.clientKey }))).resolves.toBe("client");
    // Under TLS 1.3 the client may finish its handshake before the server refuses the certificate,
    // so the refusal shows either as an error or as a stream closed with nothing served.
    const rogue = await request(port, channelTls({ ...trusted, cert: certs.rogueClientCert, key: certs.rogueClientKey })).catch(
      () => "refused",
    );
    expect(["refused", ""]).toContain(rogue);
  });
});
