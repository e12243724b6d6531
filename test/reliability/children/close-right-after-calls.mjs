// #10 defect 6: create a client, make one unary call with timeoutMs 0, 1 or none, and close the
// client at once, 200 times over, with an uncaughtException handler installed (which once kept a
// process alive, spinning, after an uncaught error inside Node's http2 'connect' handling). Every
// call must settle, nothing may be thrown uncaught, and the process must exit by itself after.
const [library] = process.argv.slice(2);
const { createClient, closeClient, createServer, loadService } = await import(library);
let uncaught = 0;
process.on("uncaughtException", (error) => {
  uncaught++;
  console.log(`uncaught: ${error?.code ?? ""} ${error?.message ?? error}`);
});
process.on("unhandledRejection", (reason) => {
  uncaught++;
  console.log(`unhandled rejection: ${reason?.message ?? reason}`);
});
const Echo = loadService("test/protos/echo.proto", "h2grpc.test.Echo");
const server = createServer();
server.addService(Echo, { async unary(request) { return { message: request.message }; } });
const port = await server.listen({ host: "127.0.0.1", port: 0 });
let settled = 0;
for (let i = 0; i < 200; i++) {
  const client = createClient(Echo, { address: `127.0.0.1:${port}` });
  const timeoutMs = [0, 1, undefined][i % 3];
  const call = client.unary({ message: "x" }, timeoutMs === undefined ? {} : { timeoutMs }).then(() => settled++, () => settled++);
  // Half the clients close while their call is in flight, half the moment it settled.
  if (i % 2 === 0) closeClient(client);
  await call;
  closeClient(client);
}
await server.close();
console.log(`settled ${settled} uncaught ${uncaught}`);
