// The fast subset of the interop matrix, in-process: h2grpc's client and server against each
// other (plaintext and TLS) and against @grpc/grpc-js, with the grpc interop case names. The
// full matrix, with C-core (Python grpcio) and child processes, is `npm run test:interop`.
import http2 from "node:http2";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installWireTap } from "./wire-tap.js";
import { channelTls, createChannel, createServer, insecure, serverTls, type Channel, type Server } from "../../src/index.js";
import { testCerts } from "../helpers/certs.js";
import { requirePeer } from "../helpers/peers.js";
import { grpcHeaders, pingOnEveryData, rawFrame } from "../helpers/raw-h2.js";
import { interopCases } from "./client-cases.js";
import { grpcJsInteropCases } from "./grpc-js/client-cases.js";
import { createGrpcJsTestServer } from "./grpc-js/test-service.js";
import { TestService, type SimpleRequest } from "./interop-messages.js";
import { TEST_CASES, type TestCase } from "./interop-spec.js";
import { testServiceImpl } from "./test-service.js";

// Before any server or channel exists: the compression cases read message flags off the wire.
installWireTap();

// grpc-js servers never compress responses, so these cases cannot pass against one.
const GRPC_JS_SERVER_CANNOT: readonly TestCase[] = ["server_compressed_unary", "server_compressed_streaming"];

let plaintextServer: Server;
let tlsServer: Server;
let grpcJsServer: grpc.Server;
let plaintextPort: number;
let tlsPort: number;
let grpcJsPort: number;

const hasOpenssl = requirePeer("interop over TLS", "openssl");

beforeAll(async () => {
  plaintextServer = createServer().addService(TestService, testServiceImpl);
  plaintextPort = await plaintextServer.listen({ host: "127.0.0.1", port: 0, credentials: insecure() });
  if (hasOpenssl) {
    const certs = testCerts();
    tlsServer = createServer().addService(TestService, testServiceImpl);
    tlsPort = await tlsServer.listen({
      host: "127.0.0.1",
      port: 0,
      credentials: serverTls({ cert: certs.serverCert, key: certs.serverKey }),
    });
  }
  grpcJsServer = createGrpcJsTestServer();
  grpcJsPort = await new Promise<number>((resolve, reject) =>
    grpcJsServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) =>
      error === null ? resolve(port) : reject(error),
    ),
  );
});

afterAll(async () => {
  grpcJsServer?.forceShutdown();
  await Promise.all([plaintextServer?.close(), tlsServer?.close()]);
});

describe("h2grpc interop client against h2grpc interop server, plaintext", () => {
  let channel: Channel;
  beforeAll(() => {
    channel = createChannel(`127.0.0.1:${plaintextPort}`);
  });
  afterAll(() => channel.close());

  it.each(TEST_CASES)("%s passes", async (testCase) => {
    await interopCases(channel)[testCase]();
  });
});

describe.skipIf(!hasOpenssl)("h2grpc interop client against h2grpc interop server, TLS with server_host_override", () => {
  let channel: Channel;
  beforeAll(() => {
    const credentials = channelTls({ ca: testCerts().caCert, serverNameOverride: "foo.test.google.fr" });
    channel = createChannel(`127.0.0.1:${tlsPort}`, { credentials });
  });
  afterAll(() => channel.close());

  it.each(["empty_unary", "large_unary", "ping_pong", "custom_metadata", "special_status_message", "server_compressed_streaming"] as const)(
    "%s passes",
    async (testCase) => {
      await interopCases(channel)[testCase]();
    },
  );

  it.each([
    ["a CA the server certificate does not chain to", () => testCerts().rogueClientCert, "foo.test.google.fr"],
    ["a server_host_override the certificate does not name", () => testCerts().caCert, "foo.example.com"],
  ])("fails large_unary with %s: certificate checking stays on", async (_, ca, serverNameOverride) => {
    const untrusted = createChannel(`127.0.0.1:${tlsPort}`, { credentials: channelTls({ ca: ca(), serverNameOverride }) });
    try {
      await expect(interopCases(untrusted).large_unary()).rejects.toThrow(/UNAVAILABLE/);
    } finally {
      untrusted.close();
    }
  });
});

describe("h2grpc interop client against the grpc-js interop server", () => {
  let channel: Channel;
  beforeAll(() => {
    channel = createChannel(`127.0.0.1:${grpcJsPort}`);
  });
  afterAll(() => channel.close());

  it.each(TEST_CASES.filter((testCase) => !GRPC_JS_SERVER_CANNOT.includes(testCase)))("%s passes", async (testCase) => {
    await interopCases(channel)[testCase]();
  });

  it("server_compressed_unary detects a server that sends the response uncompressed", async () => {
    await expect(interopCases(channel).server_compressed_unary()).rejects.toThrow(/compressed flags on the wire \[false\]/);
  });
});

describe("grpc-js interop client against h2grpc interop server", () => {
  let peer: ReturnType<typeof grpcJsInteropCases>;
  beforeAll(() => {
    peer = grpcJsInteropCases(`127.0.0.1:${plaintextPort}`, grpc.credentials.createInsecure(), {});
  });
  afterAll(() => peer.close());

  it.each(TEST_CASES)("%s passes", async (testCase) => {
    await peer.cases[testCase]();
  });
});

// grpc-go clients probe bandwidth (BDP estimation) with a PING each time response DATA arrives
// after the previous PING's ACK. grpc-go's server resets its ping strikes whenever it sends
// HEADERS or DATA (internal/transport/http2_server.go, resetPingStrikes), so those PINGs never
// count as abuse. Regression test for what the grpc-go 1.33 interop client found: large_unary,
// ping_pong and custom_metadata ended with GOAWAY ENHANCE_YOUR_CALM "too_many_pings".
describe("h2grpc interop server against a grpc-go-style client", () => {
  it("answers large_unary while the client sends a BDP PING after each response DATA frame", async () => {
    const session = http2.connect(`http://127.0.0.1:${plaintextPort}`);
    session.on("error", () => {}); // a GOAWAY(ENHANCE_YOUR_CALM) surfaces as the race below
    try {
      const goaway = new Promise<number>((resolve) => session.once("goaway", (code: number) => resolve(code)));
      const request = TestService.methods.unaryCall.requestSerializer.serialize({ responseSize: 314_159 } satisfies Partial<SimpleRequest>);
      const stream = session.request(grpcHeaders(TestService.methods.unaryCall.path));
      stream.on("error", () => {});
      const received = pingOnEveryData(session, stream);
      const trailers = new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
        stream.once("trailers", resolve);
        stream.once("close", () => reject(new Error(`stream closed without trailers (rst code ${stream.rstCode})`)));
      });
      stream.end(rawFrame(request));
      const outcome = await Promise.race([trailers, goaway.then((code) => Promise.reject(new Error(`GOAWAY ${code}`)))]);
      expect(outcome["grpc-status"]).toBe("0");
      expect(received.receivedBytes).toBeGreaterThan(314_159);
    } finally {
      session.destroy();
    }
  });
});
