// Flow control becomes backpressure: 256 MiB each way through a server in a child process whose
// memory growth stays bounded. The child runs compiled JS (tsc into node_modules/.cache), so its
// RSS is the server's alone; the parent is the grpc-js client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { once } from "node:events";
import { type EchoReply } from "../helpers/echo.js";
import { EchoClient } from "../helpers/grpc-js-peer.js";

const TOTAL_BYTES = 256 * 1024 * 1024;
const MESSAGE_BYTES = 64 * 1024;
const MAX_RSS_GROWTH_BYTES = 150 * 1024 * 1024;
const OUT_DIR = "node_modules/.cache/h2grpc-flow-control";

interface Report {
  baselineRss: number;
  peakRss: number;
  receivedBytes: number;
}

let child: ChildProcess;
let client: EchoClient;

function report(): Promise<Report> {
  const reply = once(child, "message") as Promise<[Report]>;
  child.send("report");
  return reply.then(([r]) => r);
}

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [
      "node_modules/typescript/bin/tsc",
      "--ignoreConfig",
      "test/helpers/flow-control-server.ts",
      ...["--outDir", OUT_DIR, "--rootDir", ".", "--module", "nodenext", "--moduleResolution", "nodenext"],
      ...["--target", "es2022", "--skipLibCheck", "--types", "node"],
    ],
    { stdio: "pipe" },
  );
  child = fork(path.join(OUT_DIR, "test/helpers/flow-control-server.js"), { execArgv: ["--expose-gc"], stdio: "inherit" });
  const [{ port }] = (await once(child, "message")) as [{ port: number }];
  client = new EchoClient(`127.0.0.1:${port}`);
}, 60_000);

afterAll(async () => {
  client?.close();
  if (child?.connected) {
    child.send("exit");
    await once(child, "exit");
  }
});

describe("flow control", () => {
  it("streams 256 MiB client→server to a slow handler with bounded server memory, every byte arriving", async () => {
    const payload = new Uint8Array(MESSAGE_BYTES).fill(1);
    const messages = TOTAL_BYTES / MESSAGE_BYTES;
    const reply = await new Promise<EchoReply>((resolve, reject) => {
      const call = client.clientStream((error, r) => (error ? reject(error) : resolve(r as EchoReply)));
      let written = 0;
      const writeMore = (): void => {
        while (written < messages) {
          written++;
          if (!call.write({ payload })) {
            call.once("drain", writeMore);
            return;
          }
        }
        call.end();
      };
      writeMore();
    });
    expect(reply.index).toBe(messages);
    const { baselineRss, peakRss, receivedBytes } = await report();
    expect(receivedBytes).toBe(TOTAL_BYTES);
    expect(peakRss - baselineRss).toBeLessThan(MAX_RSS_GROWTH_BYTES);
  }, 120_000);

  it("streams 256 MiB server→client to a slow reader with bounded server memory, every byte arriving", async () => {
    const stream = client.serverStream({ id: String(TOTAL_BYTES) });
    let receivedBytes = 0;
    let count = 0;
    await new Promise<void>((resolve, reject) => {
      stream.on("data", (reply: EchoReply) => {
        receivedBytes += reply.payload.length;
        // A slow reader: ~1 ms per message, slower than the server can produce.
        count++;
        stream.pause();
        setTimeout(() => stream.resume(), 1);
      });
      stream.on("error", reject);
      stream.on("end", resolve);
    });
    expect(receivedBytes).toBe(TOTAL_BYTES);
    const { baselineRss, peakRss } = await report();
    expect(peakRss - baselineRss).toBeLessThan(MAX_RSS_GROWTH_BYTES);
  }, 120_000);
});
