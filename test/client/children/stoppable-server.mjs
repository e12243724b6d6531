// An h2grpc server whose unary handler holds every call until it is cancelled; the keepalive test
// SIGSTOPs this process so that its connection stays open but nothing answers.
const [library] = process.argv.slice(2);
const { createServer, insecure, loadService } = await import(library);
const Echo = loadService("test/protos/echo.proto", "h2grpc.test.Echo");
const server = createServer({ keepalive: { minPingIntervalMs: 0, permitWithoutCalls: true } });
server.addService(Echo, {
  async unary(_request, ctx) {
    console.log("call started");
    await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    return {};
  },
});
const port = await server.listen({ host: "127.0.0.1", port: 0, credentials: insecure() });
console.log(`listening on ${port}`);
