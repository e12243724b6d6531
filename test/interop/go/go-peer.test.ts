// The grpc-go 1.33 peer against h2grpc, with h2grpc in-process: grpc-go's interop client against
// h2grpc's server (plaintext and TLS) and h2grpc's interop client against grpc-go's server, each
// case a test. Needs Go and Debian's grpc-go sources (.ci/run installs them); without them only
// the build script's own error is tested. The full matrix is `npm run test:interop`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChannel, createServer, insecure, serverTls, type Channel, type Server } from "../../../src/index.js";
import { testCerts } from "../../helpers/certs.js";
import { interopCases } from "../client-cases.js";
import { runClient, startServer, stopAll, type CaseResult } from "../interop-processes.js";
import { TestService } from "../interop-messages.js";
import { TEST_CASES, type TestCase } from "../interop-spec.js";
import { testServiceImpl } from "../test-service.js";
import { installWireTap } from "../wire-tap.js";
import { BUILD_SCRIPT, buildGoPeer, GO_SERVER_CANNOT, isGoToolchainMissing, type GoPeer } from "./go-peer.js";

// Before any server or channel exists: the compression cases read message flags off the wire.
installWireTap();

const isToolchainMissing = isGoToolchainMissing();
/** A cold build compiles grpc-go: allow for a loaded machine. */
const BUILD_TIMEOUT_MS = 150_000;
const SERVER_HOST_OVERRIDE = "foo.test.google.fr";
// The one case the grpc-go client reports n/a (grpc-go has no per-message compression switch).
const GO_CLIENT_CANNOT: readonly TestCase[] = ["client_compressed_streaming"];

const outDir = mkdtempSync(path.join(tmpdir(), "h2grpc-go-peer-test-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("test/interop/go/build.sh", () => {
  it("fails with status 1 naming the Debian packages when the grpc-go sources are missing", () => {
    const result = spawnSync("bash", [BUILD_SCRIPT, outDir], { env: { ...process.env, GOCODE: "/nonexistent" }, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/apt-get install -y golang-go golang-google-grpc-dev/);
  });
});

describe.skipIf(isToolchainMissing)("grpc-go 1.33 peer", () => {
  let peer: GoPeer;
  beforeAll(async () => {
    // One compile job: a cold grpc-go build (~20 s) then leaves a core to the tests running beside it.
    peer = await buildGoPeer({ outDir, buildJobs: 1 });
  }, BUILD_TIMEOUT_MS);
  afterAll(() => stopAll());

  describe.each(["plaintext", "tls"] as const)("grpc-go interop client against h2grpc's server, %s", (transport) => {
    let server: Server;
    let results: CaseResult[];
    beforeAll(async () => {
      const certs = testCerts();
      const isTls = transport === "tls";
      server = createServer().addService(TestService, testServiceImpl);
      const port = await server.listen({
        host: "127.0.0.1",
        port: 0,
        credentials: isTls ? serverTls({ cert: certs.serverCert, key: certs.serverKey }) : insecure(),
      });
      const tlsFlags = ["--use_tls=true", "--use_test_ca=true", `--ca_file=${path.join(certs.dir, "ca.pem")}`, `--server_host_override=${SERVER_HOST_OVERRIDE}`];
      const flags = ["--server_host=127.0.0.1", `--server_port=${port}`, "--test_case=all", ...(isTls ? tlsFlags : [])];
      results = await runClient(peer.client, flags, TEST_CASES);
    }, BUILD_TIMEOUT_MS);
    afterAll(() => server?.close());

    it.each(TEST_CASES.filter((testCase) => !GO_CLIENT_CANNOT.includes(testCase)))("%s passes", (testCase) => {
      expect(results.find((result) => result.testCase === testCase)).toEqual({ testCase, outcome: "pass", reason: "" });
    });

    it("reports client_compressed_streaming n/a, with the reason", () => {
      const result = results.find(({ testCase }) => testCase === "client_compressed_streaming");
      expect(result?.outcome).toBe("n/a");
      expect(result?.reason).toMatch(/no per-message switch/);
    });
  });

  describe("h2grpc's interop client against the grpc-go interop server, plaintext", () => {
    let channel: Channel;
    let cases: ReturnType<typeof interopCases>;
    beforeAll(async () => {
      const port = await startServer(peer.server, ["--port=0", "--host=127.0.0.1"]);
      channel = createChannel(`127.0.0.1:${port}`);
      cases = interopCases(channel);
    });
    afterAll(() => channel?.close());

    it.each(TEST_CASES.filter((testCase) => GO_SERVER_CANNOT[testCase] === undefined))("%s passes", async (testCase) => {
      await cases[testCase]();
    });

    // Keeps the matrix's n/a honest: the day grpc-go's server can do it, this fails.
    it.each(Object.keys(GO_SERVER_CANNOT) as TestCase[])("%s cannot pass: the grpc-go server never compresses an uncompressed call's responses", async (testCase) => {
      await expect(cases[testCase]()).rejects.toThrow(/compressed flags on the wire \[?false/);
    });
  });
});
