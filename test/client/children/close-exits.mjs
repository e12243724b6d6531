// Exercises every timer the client owns (deadline, keepalive, idle, backoff, waitForReady), closes
// the client and the server, and must then exit on its own: nothing may keep the process alive.
const [library] = process.argv.slice(2);
const { createClient, closeClient, createServer, insecure, loadService } = await import(library);
const Echo = loadService("test/protos/echo.proto", "h2grpc.test.Echo");
const server = createServer();
server.addService(Echo, {
  async unary(request) { return { message: request.message }; },
  async *serverStream(request) { for (let i = 0; i < request.count; i++) yield { index: i }; },
});
const port = await server.listen({ host: "127.0.0.1", port: 0, credentials: insecure() });
const client = createClient(Echo, { address: `127.0.0.1:${port}`, keepaliveTimeMs: 50, keepaliveTimeoutMs: 1000, idleTimeoutMs: 60_000 });
await client.unary({ message: "a" }, { timeoutMs: 60_000 });
for await (const _ of client.serverStream({ count: 3 }, { timeoutMs: 60_000 })) void _;
// A dead target: connect failure, then a backoff timer, with a waitForReady call pending until its deadline.
const dead = createClient(Echo, { address: "127.0.0.1:1", backoff: { initialMs: 60_000 } });
await dead.unary({}).catch(() => {});
const pending = dead.unary({}, { waitForReady: true, timeoutMs: 120_000 }).catch((error) => error.code);
closeClient(client);
closeClient(dead);
console.log(`pending call ended with ${await pending}`);
await server.close();
const timers = process.getActiveResourcesInfo().filter((name) => name === "Timeout" || name === "Immediate");
console.log(`active timers after close: ${timers.length}`);
