// `npm start` as a real process (through the launcher, which builds dist/ when it is stale):
// it prints the address and grpcurl commands, and on SIGTERM reports NOT_SERVING, lets a call in
// flight complete, and exits 0.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { closeClient, createClient, loadService, type HealthDefinition } from "../../src/index.js";
import { loadTutorialServices } from "../../examples/tutorial/tutorial-services.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const services = loadTutorialServices();
const Health = loadService<HealthDefinition>("grpc/health/v1/health.proto", "grpc.health.v1.Health", { includeDirs: [path.join(ROOT, "protos")] });

interface StartedProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly address: string;
  readonly output: string[];
}

/** Starts `npm start`'s launcher with PORT=0 and resolves with its address once it has printed its banner. */
async function startServerProcess(args: readonly string[]): Promise<StartedProcess> {
  const child = spawn(process.execPath, ["examples/tutorial/launch.mjs", "server", ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0" },
  });
  const output: string[] = [];
  child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const address = await new Promise<string>((resolve, reject) => {
    let listening: string | undefined;
    lines.on("line", (line) => {
      output.push(line);
      listening ??= /listening on (\S+),/.exec(line)?.[1];
      if (listening !== undefined && line.includes("shuts down gracefully")) resolve(listening);
    });
    child.once("exit", (code) => reject(new Error(`the server exited with ${code} before listening:\n${output.join("\n")}`)));
  });
  return { child, address, output };
}

describe("npm start as a process", () => {
  let started: StartedProcess | undefined;
  afterEach(() => {
    if (started !== undefined && started.child.exitCode === null) started.child.kill("SIGKILL");
    started = undefined;
  });

  it("on SIGTERM reports NOT_SERVING, completes the call in flight, and exits 0", async () => {
    started = await startServerProcess(["--stream-interval-ms=100", "--drain-ms=200", "--grace-ms=5000"]);
    const { child, address, output } = started;
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(output.join("\n")).toContain(`grpcurl -plaintext -d '{"name": "gsh", "id": 1}' ${address} grpc.test/FirstRpc`);

    const health = createClient(Health, { address });
    const streamServer = createClient(services.streamServer, { address });
    try {
      const watch = health.watch({ service: "" })[Symbol.asyncIterator]();
      expect((await watch.next()).value).toEqual({ status: "SERVING" });
      const replies = streamServer.listValue({ data: "v" })[Symbol.asyncIterator]();
      const values = [(await replies.next()).value?.streamValue];

      const exited = once(child, "exit");
      child.kill("SIGTERM");
      expect((await watch.next()).value).toEqual({ status: "NOT_SERVING" });
      for (let reply = await replies.next(); reply.done !== true; reply = await replies.next()) values.push(reply.value.streamValue);
      expect(values).toEqual(["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"]);

      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(output.join("\n")).toContain("SIGTERM: health NOT_SERVING");
    } finally {
      closeClient(health);
      closeClient(streamServer);
    }
  }, 120_000);
});
