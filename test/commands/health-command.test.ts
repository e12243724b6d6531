// h2grpc health as grpc_health_probe: the same lines on stderr and the same exit statuses
// (0 SERVING, 1 bad flags, 2 connection failure, 3 RPC failure, 4 not SERVING).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTutorialForTest, type TutorialFixture } from "../tutorial/tutorial-fixture.js";
import { runCli } from "./run-cli.js";

describe("h2grpc health against the tutorial server", () => {
  let fixture: TutorialFixture;
  beforeAll(async () => {
    fixture = await startTutorialForTest();
  });
  afterAll(() => fixture?.tutorial.close());

  it("exits 0 with status: SERVING for the server and for a service, the address as argument or -addr", async () => {
    const at = fixture.tutorial.address;
    expect(await runCli(["health", at])).toEqual({ code: 0, stdout: "", stderr: "status: SERVING\n" });
    expect(await runCli(["health", "-addr", at, "--service=grpc.test"])).toEqual({ code: 0, stdout: "", stderr: "status: SERVING\n" });
  });

  it("logs the options and the timings with -v", async () => {
    const { code, stderr } = await runCli(["health", "-v", "-connect-timeout", "2s", fixture.tutorial.address]);
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /^parsed options:\n> addr=127\.0\.0\.1:\d+ conn_timeout=2s rpc_timeout=1s\n> tls=false\nestablishing connection\nconnection established \(took .+\)\ntime elapsed: connect=.+ rpc=.+\nstatus: SERVING\n$/,
    );
  });

  it("exits 3 when the RPC fails: an unknown service", async () => {
    expect(await runCli(["health", fixture.tutorial.address, "-service", "no.Such"])).toEqual({
      code: 3,
      stdout: "",
      stderr: 'error: health rpc failed: rpc error: code = NotFound desc = unknown service "no.Such"\n',
    });
  });

  it("exits 2 when it cannot connect within -connect-timeout", async () => {
    expect(await runCli(["health", "-connect-timeout", "150ms", "127.0.0.1:1"])).toEqual({ code: 2, stdout: "", stderr: 'timeout: failed to connect service "127.0.0.1:1" within 150ms\n' });
    expect(await runCli(["health", "not an address"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: failed to connect service at "not an address": /) });
  });

  it.each([
    [[], "error: -addr not specified"],
    [["-rpc-timeout", "0s", "127.0.0.1:1"], "error: -rpc-timeout must be greater than zero (specified: 0s)"],
    [["-tls-no-verify", "127.0.0.1:1"], "error: specified -tls-no-verify without specifying -tls"],
    [["-tls", "-tls-client-cert", "c.pem", "127.0.0.1:1"], "error: specified -tls-client-cert without specifying -tls-client-key"],
    [["-tls", "-tls-no-verify", "-tls-server-name", "x", "127.0.0.1:1"], "error: cannot specify -tls-server-name with -tls-no-verify (server name would not be used)"],
    [["-connect-timeout", "soon", "127.0.0.1:1"], 'invalid value "soon" for flag -connect-timeout: parse error'],
    [["-nope", "127.0.0.1:1"], "flag provided but not defined: -nope"],
  ])("exits 1 for the flags %j", async (argv, message) => {
    expect(await runCli(["health", ...argv])).toEqual({ code: 1, stdout: "", stderr: `${message}\n` });
  });

  it("exits 1 when a TLS file cannot be read", async () => {
    const { code, stderr } = await runCli(["health", "-tls", "-tls-ca-cert", "/nonexistent/ca.pem", fixture.tutorial.address]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^failed to initialize tls credentials\. error=failed to load root CA certificates from file \(\/nonexistent\/ca\.pem\) error=/);
  });

  it("exits 4 with the status once the server reports NOT_SERVING (shutting down)", async () => {
    const draining = await startTutorialForTest();
    try {
      draining.tutorial.health.shutdown(); // what SIGTERM does first: every status NOT_SERVING, calls still served
      expect(await runCli(["health", draining.tutorial.address])).toEqual({ code: 4, stdout: "", stderr: 'service unhealthy (responded with "NOT_SERVING")\n' });
    } finally {
      await draining.tutorial.close();
    }
  });
});
