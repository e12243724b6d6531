// Test helper, run as a child process (compiled to JS first, see test/server/flow-control.test.ts):
// an Echo server whose memory the parent watches while 256 MiB stream through it each way.
// Protocol over IPC: sends {port}, then answers "report" with {baselineRss, peakRss, receivedBytes}.
import { createServer } from "../../src/server/server.js";
import { Echo } from "./echo.js";

const MESSAGE_BYTES = 64 * 1024;
let receivedBytes = 0;
let peakRss = 0;

const server = createServer().addService(Echo, {
  // A slow reader (~1 ms per 64 KiB message, about 60 MiB/s): slower than the client can send,
  // so without backpressure the backlog would grow past the test's bound.
  async clientStream(requests) {
    let count = 0;
    for await (const request of requests) {
      receivedBytes += request.payload.length;
      count++;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return { index: count };
  },
  // A fast writer: yields as fast as the client lets it.
  async *serverStream(request) {
    const payload = new Uint8Array(MESSAGE_BYTES).fill(7);
    const total = Number(request.id);
    for (let sent = 0; sent < total; sent += MESSAGE_BYTES) yield { payload };
  },
});

global.gc?.();
const baselineRss = process.memoryUsage().rss;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20).unref();
const port = await server.listen({ host: "127.0.0.1", port: 0 });
process.send?.({ port });
process.on("message", (message) => {
  if (message === "report") process.send?.({ baselineRss, peakRss: Math.max(peakRss, process.memoryUsage().rss), receivedBytes });
  if (message === "exit") void server.close().then(() => process.exit(0));
});
