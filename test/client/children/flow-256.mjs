// Streams 256 MiB each way through one h2grpc client and server in this process and reports the
// peak of live memory (heap and Buffers, sampled after a forced GC, so it does not depend on when a
// Node version chooses to collect): with flow control working end to end it stays far below the
// bytes moved. Run with --expose-gc.
const [library] = process.argv.slice(2);
const { createClient, closeClient, createServer, insecure, loadService } = await import(library);
const Echo = loadService("test/protos/echo.proto", "h2grpc.test.Echo");
const MESSAGE_BYTES = 256 * 1024;
const MESSAGES = 1024; // 256 MiB
const payload = new Uint8Array(MESSAGE_BYTES);
const server = createServer({ maxReceiveMessageBytes: 1024 * 1024 });
server.addService(Echo, {
  async *serverStream() { for (let i = 0; i < MESSAGES; i++) yield { index: i, payload }; },
  async clientStream(requests) {
    let bytes = 0;
    // A slow reader: the client must wait for it, not buffer.
    for await (const request of requests) { bytes += request.payload.length; await new Promise((resolve) => setImmediate(resolve)); }
    return { message: String(bytes) };
  },
});
const port = await server.listen({ host: "127.0.0.1", port: 0, credentials: insecure() });
const client = createClient(Echo, { address: `127.0.0.1:${port}`, maxReceiveMessageBytes: 1024 * 1024 });

const live = () => {
  globalThis.gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};
const baseline = live();
let peak = baseline;
const sampler = setInterval(() => { peak = Math.max(peak, live()); }, 25);

let received = 0;
for await (const reply of client.serverStream({})) {
  received += reply.payload.length;
  await new Promise((resolve) => setImmediate(resolve)); // a slow consumer
}
async function* requests() { for (let i = 0; i < MESSAGES; i++) yield { payload }; }
const sent = Number((await client.clientStream(requests())).message);

clearInterval(sampler);
closeClient(client);
await server.close();
console.log(JSON.stringify({ received, sent, peakDeltaMiB: Math.round((peak - baseline) / 1024 / 1024) }));
