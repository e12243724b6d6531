// #12: a TLS mismatch between client and server says which side probably wants what, in one line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { Status } from "../../src/status.js";
import { channelTls, serverTls } from "../../src/transport/tls.js";
import { placeholderCerts, testCerts } from "../helpers/certs.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { requirePeer } from "../helpers/peers.js";
import { Echo } from "../helpers/echo.js";
import { startEchoServer, type StartedServer } from "../helpers/start-server.js";

const hasOpenssl = requirePeer("TLS mismatch messages", "openssl");
const certs = hasOpenssl ? testCerts() : placeholderCerts();

describe.skipIf(!hasOpenssl)("TLS mismatch", () => {
  let tlsPeer: StartedServer;
  let plaintextPeer: StartedServer;
  beforeAll(async () => {
    const impl = { async unary() { return {}; } };
    tlsPeer = await startEchoServer(impl, { listen: { credentials: serverTls({ cert: certs.serverCert, key: certs.serverKey }) } });
    plaintextPeer = await startEchoServer(impl);
  });
  afterAll(async () => {
    await tlsPeer?.close();
    await plaintextPeer?.close();
  });

  it("a plaintext client to a TLS server fails UNAVAILABLE suggesting channelTls()", async () => {
    const client = createClient(Echo, { address: tlsPeer.address });
    try {
      const error = await rejectionOf(() => client.unary({}, { timeoutMs: 10_000 }));
      expect(error.code).toBe(Status.UNAVAILABLE);
      expect(error.details).toBe(`the connection to ${tlsPeer.address} closed before the server answered; if the server uses TLS, connect with channelTls() credentials`);
    } finally {
      closeClient(client);
    }
  });

  it("a TLS client to a plaintext server fails UNAVAILABLE in one line suggesting insecure(), without OpenSSL's source location", async () => {
    const client = createClient(Echo, { address: plaintextPeer.address, credentials: channelTls({ ca: certs.caCert }) });
    try {
      const error = await rejectionOf(() => client.unary({}, { timeoutMs: 10_000 }));
      expect(error.code).toBe(Status.UNAVAILABLE);
      expect(error.details).toBe(
        `failed to connect to ${plaintextPeer.address} (attempt 1): TLS handshake failed (wrong version number): the server probably does not use TLS; connect with insecure() credentials, or check the port`,
      );
    } finally {
      closeClient(client);
    }
  });
});
