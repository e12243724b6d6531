// #10: an idle channel (never closed), a closed client and a closed server with keepalive leave
// nothing that holds the event loop: the process exits on its own once the work is done.
const [library] = process.argv.slice(2);
const { createClient, closeClient, createServer, loadService } = await import(library);
const Echo = loadService("test/protos/echo.proto", "h2grpc.test.Echo");
const server = createServer({ keepalive: { timeMs: 100, timeoutMs: 1000 } });
server.addService(Echo, { async unary(request) { return { message: request.message }; } });
const port = await server.listen({ host: "127.0.0.1", port: 0 });
const idle = createClient(Echo, { address: `127.0.0.1:${port}`, keepaliveTimeMs: 100, keepalivePermitWithoutCalls: true });
await idle.unary({ message: "a" });
const closed = createClient(Echo, { address: `127.0.0.1:${port}` });
await closed.unary({ message: "b" });
closeClient(closed);
await server.close({ graceMs: 100 });
console.log("done; the process must now exit by itself");
