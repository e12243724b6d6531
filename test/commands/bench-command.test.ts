// h2grpc bench in-process (one thread: --cpus 1): what it counts and how it reports it. Nothing
// here measures speed; the comparison with h2load is in bench/README.md.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTutorialForTest, type TutorialFixture } from "../tutorial/tutorial-fixture.js";
import { runCli } from "./run-cli.js";

describe("h2grpc bench against the tutorial server", () => {
  let fixture: TutorialFixture;
  let at: string;
  beforeAll(async () => {
    fixture = await startTutorialForTest({ slowWorkMs: 60_000 });
    at = fixture.tutorial.address;
  });
  afterAll(() => fixture?.tutorial.close());

  it("makes -n calls with -c in flight over --connections, and prints ghz's summary", async () => {
    const { code, stdout, stderr } = await runCli(["bench", "-plaintext", "--cpus", "1", "-n", "300", "-c", "10", "--connections", "3", "-d", '{"name": "a", "id": 1}', at, "grpc.test/FirstRpc"]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toMatch(/^\nSummary:\n {2}Count:\t300\n {2}Total:\t.+\n {2}Slowest:\t.+\n {2}Fastest:\t.+\n {2}Average:\t.+\n {2}Requests\/sec:\t[\d.]+\n\nResponse time histogram:\n( {2}[\d.]+ +\[\d+\] +\|∎*\n){11}\nLatency distribution:\n( {2}\d+ % in .+ \n){7}\nStatus code distribution:\n {2}\[OK\] {3}300 responses {3}\n\n$/);
  });

  it("reports failed calls by status and by error, and their count as calls", async () => {
    const { code, stdout } = await runCli(["bench", "-plaintext", "--cpus", "1", "-n", "20", "-c", "4", "-t", "20ms", "-O", "json", "-d", '{"name": "slow"}', at, "grpc.test/FirstRpc"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ count: 20, statusCodeDistribution: { DeadlineExceeded: 20 }, options: { call: "grpc.test/FirstRpc", concurrency: 4, timeout: 20_000_000 } });
    // Grouped by message, numbers aside: calls that ran out of time while connecting and while
    // waiting for the answer are two groups (how many of each depends on the machine's speed).
    const errors = report["errorDistribution"] as Record<string, number>;
    expect(Object.values(errors).reduce((sum, count) => sum + count, 0)).toBe(20);
    for (const message of Object.keys(errors)) expect(message).toMatch(/^rpc error: code = DeadlineExceeded desc = deadline exceeded after/);
  });

  it("runs for -z after a --warmup, counting only the measured calls", async () => {
    const { code, stdout } = await runCli(["bench", "-plaintext", "--cpus", "1", "-z", "300ms", "--warmup", "100ms", "-c", "2", "-O", "json", at, "grpc.health.v1.Health/Check"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { count: number; total: number; statusCodeDistribution: { OK: number } };
    expect(report.count).toBeGreaterThan(0);
    expect(report.statusCodeDistribution.OK).toBe(report.count);
    expect(report.total).toBeGreaterThanOrEqual(300e6);
  });

  it("starts no more calls per second than --rps allows", async () => {
    const started = Date.now();
    const { code, stdout } = await runCli(["bench", "-plaintext", "--cpus", "1", "-n", "10", "-c", "5", "--rps", "50", "-O", "json", at, "grpc.health.v1.Health/Check"]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { count: number }).count).toBe(10);
    // Ten calls at 50 per second: the tenth starts 180 ms after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
  });

  it("draws a progress bar on stderr only when stdout is a terminal, and erases it before the summary", async () => {
    const argv = ["bench", "-plaintext", "--cpus", "1", "-z", "300ms", "-c", "2", at, "grpc.health.v1.Health/Check"];
    const onTerminal = await runCli(argv, "", true);
    expect(onTerminal.code).toBe(0);
    expect(onTerminal.stderr).toMatch(/\r {70}\r$/);
    expect(onTerminal.stdout).toMatch(/^\nSummary:\n/);
    expect((await runCli(argv)).stderr).toBe("");
  });

  it.each([
    [["-n", "0"], 2, /-total must be an integer of at least 1/],
    [["-c", "2", "--connections", "3"], 2, /--connections \(3\) cannot be more than -c \(2\)/],
    [["--format", "csv"], 2, /--format must be summary or json/],
  ])("refuses %j with status %d", async (flags, status, message) => {
    const { code, stderr } = await runCli(["bench", "-plaintext", ...flags, at, "grpc.test/FirstRpc"]);
    expect(code).toBe(status);
    expect(stderr).toMatch(message);
  });

  it("refuses a streaming method and an unknown one with status 1", async () => {
    expect(await runCli(["bench", "-plaintext", at, `my_lib.StreamServer/ListValue`])).toEqual({ code: 1, stdout: "", stderr: `bench runs unary methods; my_lib.StreamServer/ListValue is a streaming method\n` });
    expect(await runCli(["bench", "-plaintext", at, "no.Such/Method"])).toEqual({ code: 1, stdout: "", stderr: 'target server does not expose service "no.Such"\n' });
  });
});
