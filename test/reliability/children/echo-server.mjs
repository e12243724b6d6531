// An h2grpc Echo server in a process of its own, for the tests that kill it (SIGKILL) or freeze
// it (SIGSTOP) mid-call. Args: the library path and a port (0 for a free one). Prints
// "listening on <port>" when it serves and "call started" when a call reaches a handler.
import { setTimeout as sleep } from "node:timers/promises";
const [library, port = "0"] = process.argv.slice(2);
const { createServer, loadService } = await import(library);
const Echo = loadService("test/protos/echo.proto", "h2grpc.test.Echo");
const server = createServer();
server.addService(Echo, {
  async unary(request, ctx) {
    if (request.message === "hold") {
      console.log("call started");
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    }
    return { message: request.message };
  },
  async *serverStream(request, ctx) {
    console.log("call started");
    for (let index = 0; index < request.count && !ctx.signal.aborted; index++) {
      yield { index };
      await sleep(request.delayMs, undefined, { signal: ctx.signal }).catch(() => {});
    }
  },
  async clientStream(requests) {
    console.log("call started");
    let count = 0;
    for await (const _ of requests) count++;
    return { index: count };
  },
  async *bidi(requests) {
    console.log("call started");
    for await (const request of requests) yield { index: request.count };
  },
});
console.log(`listening on ${await server.listen({ host: "127.0.0.1", port: Number(port) })}`);
process.once("SIGTERM", () => void server.close({ graceMs: 1000 }));
