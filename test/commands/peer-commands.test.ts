// h2grpc call, list, describe, health and bench against grpc.testing.TestService as three
// implementations serve it: h2grpc (reflection v1, health, TLS, mutual TLS), grpc-js (no
// reflection: -proto and -import-path) and grpc-go 1.33 (reflection v1alpha only, health, TLS).
import * as grpc from "@grpc/grpc-js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addReflection, createHealthService, createServer, insecure, serverTls, type Server } from "../../src/index.js";
import { testCerts } from "../helpers/certs.js";
import { buildGoPeer } from "../interop/go/go-peer.js";
import { requirePeer } from "../helpers/peers.js";
import { createGrpcJsTestServer } from "../interop/grpc-js/test-service.js";
import { ensureInteropCerts } from "../interop/interop-certs.js";
import { PROTOS_DIR, TestService } from "../interop/interop-messages.js";
import { startServer, stopAll } from "../interop/interop-processes.js";
import { testServiceImpl } from "../interop/test-service.js";
import { runCli, startCli } from "./run-cli.js";

const SERVICE = "grpc.testing.TestService";
const PROTO_FLAGS = ["-proto", "grpc/testing/test.proto", "-import-path", PROTOS_DIR];

/** How the commands reach one peer: its address and the flags for its transport and descriptors. */
interface Peer {
  readonly address: string;
  readonly flags: readonly string[];
}

/** The calls every peer must answer the same way, whoever implements the service. */
function itCallsTestService(peer: () => Peer): void {
  const call = (...args: string[]) => {
    const { address, flags } = peer();
    const method = args.pop() as string;
    return runCli(["call", ...flags, ...args, address, `${SERVICE}/${method}`]);
  };

  it("calls EmptyCall and UnaryCall, bytes as base64, defaults left out or written with -emit-defaults", async () => {
    expect(await call("EmptyCall")).toEqual({ code: 0, stdout: "{}\n", stderr: "" });
    expect(await call("-d", '{"response_size": 3, "payload": {"body": "AAE="}}', "UnaryCall")).toEqual({ code: 0, stdout: '{\n  "payload": {\n    "body": "AAAA"\n  }\n}\n', stderr: "" });
    expect((await call("-emit-defaults", "-d", '{"responseSize": 1}', "UnaryCall")).stdout).toBe(
      '{\n  "payload": {\n    "type": "COMPRESSABLE",\n    "body": "AA=="\n  },\n  "username": "",\n  "oauthScope": "",\n  "serverId": "",\n  "grpclbRouteType": "GRPCLB_ROUTE_TYPE_UNKNOWN",\n  "hostname": ""\n}\n',
    );
  });

  it("streams both ways: server, client and bidi streaming", async () => {
    expect((await call("-d", '{"response_parameters": [{"size": 2}, {"size": 1}]}', "StreamingOutputCall")).stdout).toBe('{\n  "payload": {\n    "body": "AAA="\n  }\n}\n{\n  "payload": {\n    "body": "AA=="\n  }\n}\n');
    expect((await call("-d", '{"payload": {"body": "AAE="}} {"payload": {"body": "AAEC"}}', "StreamingInputCall")).stdout).toBe('{\n  "aggregatedPayloadSize": 5\n}\n');
    const { address, flags } = peer();
    const duplex = startCli(["call", ...flags, "-d", "@", address, `${SERVICE}/FullDuplexCall`]);
    duplex.write('{"response_parameters": [{"size": 1}]}');
    await duplex.waitForStdout('"body": "AA=="');
    duplex.write('{"response_parameters": [{"size": 2}]}');
    duplex.end();
    expect(await duplex.result).toEqual({ code: 0, stdout: '{\n  "payload": {\n    "body": "AA=="\n  }\n}\n{\n  "payload": {\n    "body": "AAA="\n  }\n}\n', stderr: "" });
  });

  it("prints the status a method answers with, and exits 64 + its code", async () => {
    expect(await call("-d", '{"response_status": {"code": 5, "message": "no such thing"}}', "UnaryCall")).toEqual({
      code: 64 + 5,
      stdout: "",
      stderr: "ERROR:\n  Code: NotFound\n  Message: no such thing\n",
    });
    const unimplemented = await call("UnimplementedCall");
    expect(unimplemented.code).toBe(64 + 12);
    expect(unimplemented.stderr).toMatch(/^ERROR:\n {2}Code: Unimplemented\n/);
  });

  it("describes the request type and lists the service's methods", async () => {
    const { address, flags } = peer();
    const describe = await runCli(["describe", ...flags, address, "grpc.testing.StreamingOutputCallRequest"]);
    expect(describe.stdout).toBe(`grpc.testing.StreamingOutputCallRequest is a message:
message StreamingOutputCallRequest {
  .grpc.testing.PayloadType response_type = 1;
  repeated .grpc.testing.ResponseParameters response_parameters = 2;
  .grpc.testing.Payload payload = 3;
  .grpc.testing.EchoStatus response_status = 7;
}
`);
    expect((await runCli(["list", ...flags, address, SERVICE])).stdout).toBe(
      ["CacheableUnaryCall", "EmptyCall", "FullDuplexCall", "HalfDuplexCall", "StreamingInputCall", "StreamingOutputCall", "UnaryCall", "UnimplementedCall"].map((m) => `${SERVICE}.${m}\n`).join(""),
    );
  });

  it("benches EmptyCall: every call counted, all OK", async () => {
    const { address, flags } = peer();
    const bench = await runCli(["bench", ...flags, "--cpus", "1", "-n", "60", "-c", "6", "--connections", "2", "--format", "json", address, `${SERVICE}/EmptyCall`]);
    expect(bench.code).toBe(0);
    expect(JSON.parse(bench.stdout)).toMatchObject({ count: 60, statusCodeDistribution: { OK: 60 }, errorDistribution: {} });
  });
}

describe("h2grpc's TestService, with reflection and health", () => {
  let server: Server;
  let plaintext: Peer;
  beforeAll(async () => {
    server = createServer().addService(TestService, testServiceImpl);
    const health = createHealthService();
    server.addService(health.definition, health.implementation);
    addReflection(server);
    const port = await server.listen({ host: "127.0.0.1", port: 0, credentials: insecure() });
    plaintext = { address: `127.0.0.1:${port}`, flags: ["-plaintext"] };
  });
  afterAll(() => server?.close());

  itCallsTestService(() => plaintext);

  it("lists the services through reflection v1", async () => {
    expect((await runCli(["list", "-plaintext", plaintext.address])).stdout).toBe(
      "grpc.health.v1.Health\ngrpc.reflection.v1.ServerReflection\ngrpc.reflection.v1alpha.ServerReflection\ngrpc.testing.TestService\n",
    );
  });

  it("probes health as grpc_health_probe: SERVING exits 0, an unknown service 3", async () => {
    expect(await runCli(["health", plaintext.address])).toEqual({ code: 0, stdout: "", stderr: "status: SERVING\n" });
    expect(await runCli(["health", `-addr=${plaintext.address}`, "-service", SERVICE])).toMatchObject({ code: 3, stderr: `error: health rpc failed: rpc error: code = NotFound desc = unknown service "${SERVICE}"\n` });
  });
});

describe("h2grpc's TestService over TLS and mutual TLS", () => {
  const certs = testCerts();
  const [caFile, clientCert, clientKey] = [path.join(certs.dir, "ca.pem"), path.join(certs.dir, "client.pem"), path.join(certs.dir, "client.key")];
  let servers: Server[] = [];
  let tls: Peer;
  let mtls: Peer;
  beforeAll(async () => {
    const start = async (requireClientCertificate: boolean): Promise<string> => {
      const server = createServer().addService(TestService, testServiceImpl);
      const health = createHealthService();
      server.addService(health.definition, health.implementation);
      addReflection(server);
      servers.push(server);
      const credentials = serverTls({ cert: certs.serverCert, key: certs.serverKey, ...(requireClientCertificate ? { clientCa: certs.caCert, requireClientCertificate } : {}) });
      return `127.0.0.1:${await server.listen({ host: "127.0.0.1", port: 0, credentials })}`;
    };
    tls = { address: await start(false), flags: ["-cacert", caFile] };
    mtls = { address: await start(true), flags: ["-cacert", caFile, "-cert", clientCert, "-key", clientKey] };
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
  });

  describe("TLS", () => itCallsTestService(() => tls));
  describe("mutual TLS", () => itCallsTestService(() => mtls));

  it("checks the server name given by -authority against the certificate", async () => {
    expect((await runCli(["call", "-cacert", caFile, "-authority", "localhost", tls.address, `${SERVICE}/EmptyCall`])).code).toBe(0);
    const wrongName = await runCli(["call", "-cacert", caFile, "-authority", "not.in.the.certificate", tls.address, `${SERVICE}/EmptyCall`]);
    expect(wrongName.code).toBe(1);
    expect(wrongName.stderr).toMatch(/^Failed to dial target host/);
  });

  it("gets no answer from a mutual-TLS server without a client certificate", async () => {
    const { code, stdout } = await runCli(["call", "-cacert", caFile, "-max-time", "10", mtls.address, `${SERVICE}/EmptyCall`]);
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
  });

  it("probes health over TLS and mutual TLS with grpc_health_probe's flags", async () => {
    expect(await runCli(["health", "-tls", "-tls-ca-cert", caFile, tls.address])).toMatchObject({ code: 0, stderr: "status: SERVING\n" });
    expect(await runCli(["health", "-tls", "-tls-no-verify", tls.address])).toMatchObject({ code: 0 });
    expect(await runCli(["health", "-tls", "-tls-ca-cert", caFile, "-tls-client-cert", clientCert, "-tls-client-key", clientKey, mtls.address])).toMatchObject({ code: 0 });
    expect(await runCli(["health", "-tls-ca-cert", caFile, tls.address])).toEqual({ code: 1, stdout: "", stderr: "error: specified -tls-ca-cert without specifying -tls\n" });
  });
});

describe("the grpc-js TestService, which serves no reflection", () => {
  let server: grpc.Server;
  let peer: Peer;
  beforeAll(async () => {
    server = createGrpcJsTestServer();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error))),
    );
    peer = { address: `127.0.0.1:${port}`, flags: ["-plaintext", ...PROTO_FLAGS] };
  });
  afterAll(() => server?.forceShutdown());

  itCallsTestService(() => peer);

  it("says so when asked to list through reflection, and lists from -proto files without an address", async () => {
    expect(await runCli(["list", "-plaintext", peer.address])).toEqual({ code: 1, stdout: "", stderr: "Failed to list services: server does not support the reflection API\n" });
    expect((await runCli(["list", ...PROTO_FLAGS])).stdout).toBe("grpc.testing.ReconnectService\ngrpc.testing.TestService\ngrpc.testing.UnimplementedService\n");
    expect((await runCli(["list", ...PROTO_FLAGS, SERVICE])).stdout).toContain(`${SERVICE}.UnaryCall\n`);
  });

  it("exits 3 from health, naming the missing health protocol", async () => {
    const probe = await runCli(["health", peer.address]);
    expect(probe.code).toBe(3);
    expect(probe.stderr).toMatch(/^error: this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): /);
  });
});

const hasGoPeer = requirePeer("h2grpc command tests against the grpc-go peer", "grpc-go", "openssl");

describe.skipIf(!hasGoPeer)("the grpc-go 1.33 TestService, with reflection v1alpha and health", () => {
  const outDir = mkdtempSync(path.join(tmpdir(), "h2grpc-cli-go-peer-"));
  const caFile = ensureInteropCerts().caFile;
  let plaintext: Peer;
  let tls: Peer;
  beforeAll(async () => {
    const go = await buildGoPeer({ outDir, buildJobs: 1 });
    plaintext = { address: `127.0.0.1:${await startServer(go.server, ["--port=0"])}`, flags: ["-plaintext"] };
    tls = { address: `127.0.0.1:${await startServer(go.server, ["--port=0", "--use_tls=true"])}`, flags: ["-cacert", caFile] };
  }, 150_000);
  afterAll(async () => {
    await stopAll();
    rmSync(outDir, { recursive: true, force: true });
  });

  describe("plaintext", () => itCallsTestService(() => plaintext));
  describe("TLS", () => itCallsTestService(() => tls));

  it("falls back to reflection v1alpha, the only version grpc-go 1.33 serves", async () => {
    expect((await runCli(["list", "-plaintext", plaintext.address])).stdout).toBe("grpc.health.v1.Health\ngrpc.reflection.v1alpha.ServerReflection\ngrpc.testing.TestService\n");
  });

  it("probes grpc-go's health service, over TLS too", async () => {
    expect(await runCli(["health", plaintext.address])).toEqual({ code: 0, stdout: "", stderr: "status: SERVING\n" });
    expect(await runCli(["health", "-tls", "-tls-ca-cert", caFile, "-tls-server-name", "foo.test.google.fr", tls.address])).toMatchObject({ code: 0 });
  });
});
