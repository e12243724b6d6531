// The installed bins as processes: exit statuses reach the shell, stdin pipes into -d @, bench
// runs its worker threads, and the generator answers both as h2grpc gen and as h2grpc-gen.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERSION } from "../../src/version.js";
import { startTutorialForTest, type TutorialFixture } from "../tutorial/tutorial-fixture.js";
import { buildCli, H2GRPC_BIN, H2GRPC_GEN_BIN, removeCli, runBin } from "./built-cli.js";

describe("the h2grpc bin", () => {
  let fixture: TutorialFixture;
  const outDir = mkdtempSync(path.join(tmpdir(), "h2grpc-bin-test-"));
  beforeAll(async () => {
    [fixture] = await Promise.all([startTutorialForTest(), buildCli()]);
  }, 180_000);
  afterAll(async () => {
    await fixture?.tutorial.close();
    removeCli();
    rmSync(outDir, { recursive: true, force: true });
  });

  it("prints its version and its usage", async () => {
    expect(await runBin(H2GRPC_BIN, ["--version"])).toEqual({ code: 0, stdout: `h2grpc ${VERSION}\n`, stderr: "" });
    expect((await runBin(H2GRPC_BIN, ["call", "-help"])).stdout).toMatch(/^usage: h2grpc call \[flags\] <address> <service\/method>/);
    expect(await runBin(H2GRPC_BIN, ["frobnicate"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^h2grpc: unknown command "frobnicate"/) });
  });

  it("reads requests from a pipe with -d @ and exits with 64 + the status code of an RPC error", async () => {
    const piped = await runBin(H2GRPC_BIN, ["call", "-plaintext", "-d", "@", fixture.tutorial.address, `my_lib.Stream/Conversations`], '{"question": "a"}\n{"question": "b"}\n');
    expect(piped).toMatchObject({ code: 0, stderr: "" });
    expect(piped.stdout.match(/"answer"/g)).toHaveLength(2);
    expect(await runBin(H2GRPC_BIN, ["call", "-plaintext", fixture.tutorial.address, "HelloService/SayHello"])).toMatchObject({ code: 64 + 13 });
    expect(await runBin(H2GRPC_BIN, ["health", "-connect-timeout", "100ms", "127.0.0.1:1"])).toMatchObject({ code: 2 });
  });

  it("runs bench on worker threads, one per connection", async () => {
    const result = await runBin(H2GRPC_BIN, ["bench", "-plaintext", "--cpus", "2", "--connections", "2", "-c", "8", "-n", "400", "-O", "json", fixture.tutorial.address, "grpc.health.v1.Health/Check"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toMatchObject({ count: 400, statusCodeDistribution: { OK: 400 }, options: { CPUs: 2, connections: 2 } });
  });

  it("generates types as h2grpc gen and as h2grpc-gen alike", async () => {
    const args = (dir: string) => ["--out-dir", path.join(outDir, dir), "--import-from", "h2grpc", "test/protos/echo.proto"];
    expect(await runBin(H2GRPC_BIN, ["gen", ...args("gen")])).toMatchObject({ code: 0, stderr: "" });
    expect(await runBin(H2GRPC_GEN_BIN, args("h2grpc-gen"))).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(path.join(outDir, "gen", "echo.ts"), "utf8")).toBe(readFileSync(path.join(outDir, "h2grpc-gen", "echo.ts"), "utf8"));
  });
});
