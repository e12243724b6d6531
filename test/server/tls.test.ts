import { describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import type { PeerCertificate } from "node:tls";
import { serverTls } from "../../src/transport/tls.js";
import { Status } from "../../src/status.js";
import { placeholderCerts, testCerts } from "../helpers/certs.js";
import { requirePeer } from "../helpers/peers.js";
import { Echo } from "../helpers/echo.js";
import { EchoClient } from "../helpers/grpc-js-peer.js";
import { startServer } from "../helpers/start-server.js";

const hasOpenssl = requirePeer("server TLS tests", "openssl");
const certs = hasOpenssl ? testCerts() : placeholderCerts();
const NAME_OVERRIDE = { "grpc.ssl_target_name_override": "localhost", "grpc.default_authority": "localhost" };

function clientCredentials(withCert: "good" | "rogue" | "none"): grpc.ChannelCredentials {
  const ca = Buffer.from(certs.caCert);
  if (withCert === "none") return grpc.credentials.createSsl(ca);
  const [key, cert] = withCert === "good" ? [certs.clientKey, certs.clientCert] : [certs.rogueClientKey, certs.rogueClientCert];
  return grpc.credentials.createSsl(ca, Buffer.from(key), Buffer.from(cert));
}

async function startTlsServer(requireClientCertificate: boolean) {
  let peerCertificate: PeerCertificate | undefined;
  const credentials = serverTls({
    cert: certs.serverCert,
    key: certs.serverKey,
    ...(requireClientCertificate ? { clientCa: certs.caCert, requireClientCertificate: true } : {}),
  });
  const { address } = await startServer(
    (s) =>
      s.addService(Echo, {
        async unary(_request, ctx) {
          peerCertificate = ctx.peerCertificate;
          return { message: "secure" };
        },
      }),
    {},
    { credentials },
  );
  return { address, peerCertificate: () => peerCertificate };
}

describe.skipIf(!hasOpenssl)("TLS and mTLS", () => {
  it("serves a TLS client that trusts the CA; there is no peer certificate without mTLS", async () => {
    const { address, peerCertificate } = await startTlsServer(false);
    const client = new EchoClient(address, clientCredentials("none"), NAME_OVERRIDE);
    expect((await client.unary({})).reply.message).toBe("secure");
    client.close();
    expect(peerCertificate()).toBeUndefined();
  });

  it("refuses a plaintext client on a TLS port with UNAVAILABLE", async () => {
    const { address } = await startTlsServer(false);
    const client = new EchoClient(address);
    const error = (await client.unary({}, { deadline: Date.now() + 3000 }).catch((e: unknown) => e)) as grpc.ServiceError;
    client.close();
    expect([Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED]).toContain(error.code);
  });

  it("serves an mTLS client with a CA-signed certificate and shows it as ctx.peerCertificate", async () => {
    const { address, peerCertificate } = await startTlsServer(true);
    const client = new EchoClient(address, clientCredentials("good"), NAME_OVERRIDE);
    expect((await client.unary({})).reply.message).toBe("secure");
    client.close();
    expect(peerCertificate()?.subject.CN).toBe("client");
  });

  it("refuses an mTLS client whose certificate another CA signed", async () => {
    const { address } = await startTlsServer(true);
    const client = new EchoClient(address, clientCredentials("rogue"), NAME_OVERRIDE);
    const error = (await client.unary({}, { deadline: Date.now() + 3000 }).catch((e: unknown) => e)) as grpc.ServiceError;
    client.close();
    expect(error.code).toBe(Status.UNAVAILABLE);
  });

  it("refuses a client without a certificate when one is required", async () => {
    const { address } = await startTlsServer(true);
    const client = new EchoClient(address, clientCredentials("none"), NAME_OVERRIDE);
    const error = (await client.unary({}, { deadline: Date.now() + 3000 }).catch((e: unknown) => e)) as grpc.ServiceError;
    client.close();
    expect(error.code).toBe(Status.UNAVAILABLE);
  });
});
