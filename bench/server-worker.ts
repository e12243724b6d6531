import type { ImplName } from "./clients/bench-client.js";
import { startBenchServer } from "./servers/bench-server.js";
import { cpuTimeUs, peakRssBytes, settledRssBytes, type ServerCommand, type WorkerReply } from "./worker-protocol.js";

// A server process: `node dist/bench/server-worker.js <impl>`, forked by main.ts with IPC.

const send = (reply: WorkerReply): void => void process.send?.(reply);
const server = await startBenchServer(process.argv[2] as ImplName);
process.on("message", (command: ServerCommand) => {
  switch (command.type) {
    case "rss":
      return send({ type: "rss", rssBytes: settledRssBytes() });
    case "peak-rss":
      return send({ type: "peak-rss", peakRssBytes: peakRssBytes() });
    case "cpu":
      return send({ type: "cpu", cpuUs: cpuTimeUs() });
    case "exit":
      // Exit normally (not by signal) so --cpu-prof can write its profile.
      void server.close().finally(() => process.exit(0));
  }
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready", port: server.port });
