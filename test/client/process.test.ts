import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClient, createClient } from "../../src/client/client.js";
import { Status } from "../../src/status.js";
import { rejectionOf } from "../helpers/catch-grpc-error.js";
import { buildLibrary, removeLibrary, startChild } from "../helpers/child-process.js";
import { Echo } from "../helpers/echo.js";

beforeAll(() => buildLibrary(), 120_000);
afterAll(() => removeLibrary());

describe("behaviour that needs a separate process", () => {
  it("keepalive detects a SIGSTOPped server and fails the in-flight call with UNAVAILABLE", async () => {
    const server = startChild("test/client/children/stoppable-server.mjs");
    const client = createClient(Echo, { address: `127.0.0.1:${(await server.waitForLine(/^listening on (\d+)$/))[1]}`, keepaliveTimeMs: 200, keepaliveTimeoutMs: 500 });
    try {
      const call = client.unary({ message: "held" });
      await server.waitForLine(/^call started$/);
      server.process.kill("SIGSTOP");
      const started = Date.now();
      const error = await rejectionOf(() => call);
      expect(error.code).toBe(Status.UNAVAILABLE);
      expect(error.details).toContain("keepalive");
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      closeClient(client);
      server.process.kill("SIGKILL");
      await server.exit(5000).catch(() => {});
    }
  });

  it("after closeClient and server.close nothing keeps the process alive: it exits on its own with no timers", async () => {
    const child = startChild("test/client/children/close-exits.mjs");
    expect((await child.waitForLine(/^pending call ended with (\d+)$/))[1]).toBe(String(Status.CANCELLED));
    expect((await child.waitForLine(/^active timers after close: (\d+)$/))[1]).toBe("0");
    expect(await child.exit(10_000)).toBe(0);
  });

  it("streams 256 MiB each way with bounded memory (slow consumer and slow server reader)", async () => {
    const child = startChild("test/client/children/flow-256.mjs", [], ["--expose-gc"]);
    const report = JSON.parse((await child.waitForLine(/^\{.*\}$/, 120_000))[0]) as { received: number; sent: number; peakDeltaMiB: number };
    expect(report.received).toBe(256 * 1024 * 1024);
    expect(report.sent).toBe(256 * 1024 * 1024);
    expect(report.peakDeltaMiB).toBeLessThan(96);
    expect(await child.exit(10_000)).toBe(0);
  }, 150_000);
});
