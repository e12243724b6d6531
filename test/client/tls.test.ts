import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metadataCredentials } from "../../src/client/credentials/call-credentials.js";
import { closeClient, createClient } from "../../src/client/client.js";
import { Status } from "../../src/status.js";
import { channelTls, serverTls } from "../../src/transport/tls.js";
import { placeholderCerts, testCerts } from "../helpers/certs.js";
import { requirePeer } from "../helpers/peers.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { Echo, type EchoRequest } from "../helpers/echo.js";
import { startGrpcJsServer, type GrpcJsPeer } from "../helpers/grpc-js-peer.js";
import { startEchoServer, type StartedServer } from "../helpers/start-server.js";

const hasOpenssl = requirePeer("client TLS tests", "openssl");
const certs = hasOpenssl ? testCerts() : placeholderCerts();

describe.skipIf(!hasOpenssl)("TLS against an h2grpc server", () => {
  let tlsPeer: StartedServer;
  let mtlsPeer: StartedServer;
  beforeAll(async () => {
    const impl = {
      async unary(request: EchoRequest, ctx: { metadata: { get(key: string): unknown }; peerCertificate?: { subject?: { CN?: string } } }) {
        return { message: `${request.message}|${String(ctx.metadata.get("authorization") ?? "")}|${ctx.peerCertificate?.subject?.CN ?? ""}` };
      },
    } as never;
    tlsPeer = await startEchoServer(impl, { listen: { credentials: serverTls({ cert: certs.serverCert, key: certs.serverKey }) } });
    mtlsPeer = await startEchoServer(impl, {
      listen: { credentials: serverTls({ cert: certs.serverCert, key: certs.serverKey, clientCa: certs.caCert, requireClientCertificate: true }) },
    });
  });
  afterAll(async () => {
    await tlsPeer.close();
    await mtlsPeer.close();
  });

  // Node warns DEP0123 once per process when an IP is set as the TLS server name (RFC 6066 §3),
  // so this runs first in its file: a fork of its own.
  it("#12 dials 127.0.0.1 over TLS without setting an IP as the server name (no DEP0123)", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }): void => void warnings.push(warning.code ?? warning.name);
    process.on("warning", onWarning);
    const client = createClient(Echo, { address: tlsPeer.address, credentials: channelTls({ ca: certs.caCert }) });
    try {
      expect(await client.unary({ message: "ip" })).toMatchObject({ message: "ip||" }); // the certificate's IP SAN
      await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on the next tick
      expect(warnings).not.toContain("DEP0123");
    } finally {
      process.off("warning", onWarning);
      closeClient(client);
    }
  });

  it("connects with the CA and a server-name override (gsh.com while dialling 127.0.0.1)", async () => {
    const client = createClient(Echo, {
      address: tlsPeer.address,
      credentials: channelTls({ ca: certs.caCert, serverNameOverride: "gsh.com" }),
    });
    try {
      expect(await client.unary({ message: "tls" })).toMatchObject({ message: "tls||" });
    } finally {
      closeClient(client);
    }
  });

  it("an override the certificate does not name fails UNAVAILABLE", async () => {
    const client = createClient(Echo, {
      address: tlsPeer.address,
      credentials: channelTls({ ca: certs.caCert, serverNameOverride: "not-in-cert.example" }),
    });
    try {
      expect((await rejectionOf(() => client.unary({ message: "x" }))).code).toBe(Status.UNAVAILABLE);
    } finally {
      closeClient(client);
    }
  });

  it("an untrusted server certificate fails UNAVAILABLE", async () => {
    const client = createClient(Echo, { address: tlsPeer.address, credentials: channelTls({}) });
    try {
      expect((await rejectionOf(() => client.unary({ message: "x" }))).code).toBe(Status.UNAVAILABLE);
    } finally {
      closeClient(client);
    }
  });

  it("sends credentials that require transport security over TLS", async () => {
    const client = createClient(Echo, {
      address: tlsPeer.address,
      credentials: channelTls({ ca: certs.caCert, serverNameOverride: "gsh.com" }),
      callCredentials: metadataCredentials({ authorization: "Bearer secret" }),
    });
    try {
      expect(await client.unary({ message: "t" })).toMatchObject({ message: "t|Bearer secret|" });
    } finally {
      closeClient(client);
    }
  });

  it("mTLS: a client certificate signed by the CA is accepted and seen by the server", async () => {
    const client = createClient(Echo, {
      address: mtlsPeer.address,
      credentials: channelTls({ ca: certs.caCert, cert: certs.clientCert, key: certs.clientKey, serverNameOverride: "gsh.com" }),
    });
    try {
      const reply = await client.unary({ message: "m" });
      expect(reply.message).toMatch(/^m\|\|.+/);
    } finally {
      closeClient(client);
    }
  });

  it.each([
    ["no client certificate", {}],
    ["a rogue client certificate", { cert: certs.rogueClientCert, key: certs.rogueClientKey }],
  ])("mTLS: %s is refused with UNAVAILABLE", async (_name, clientCert) => {
    const client = createClient(Echo, {
      address: mtlsPeer.address,
      credentials: channelTls({ ca: certs.caCert, serverNameOverride: "gsh.com", ...clientCert }),
    });
    try {
      expect((await rejectionOf(() => client.unary({ message: "x" }, { timeoutMs: 5000 }))).code).toBe(Status.UNAVAILABLE);
    } finally {
      closeClient(client);
    }
  });
});

describe.skipIf(!hasOpenssl)("TLS against a grpc-js server", () => {
  let peer: GrpcJsPeer;
  beforeAll(async () => {
    peer = await startGrpcJsServer(
      {
        Unary(call: grpc.ServerUnaryCall<EchoRequest, unknown>, callback: grpc.sendUnaryData<unknown>) {
          callback(null, { message: `js:${call.request.message}` });
        },
      },
      {
        credentials: grpc.ServerCredentials.createSsl(
          Buffer.from(certs.caCert),
          [{ cert_chain: Buffer.from(certs.serverCert), private_key: Buffer.from(certs.serverKey) }],
          true,
        ),
      },
    );
  });
  afterAll(() => peer.close());

  it("mTLS with serverNameOverride works against grpc-js", async () => {
    const client = createClient(Echo, {
      address: peer.address,
      credentials: channelTls({ ca: certs.caCert, cert: certs.clientCert, key: certs.clientKey, serverNameOverride: "gsh.com" }),
    });
    try {
      expect(await client.unary({ message: "x" })).toMatchObject({ message: "js:x" });
    } finally {
      closeClient(client);
    }
  });
});
