// #10 defect 2: a call in flight holds the event loop until it settles, as an outstanding
// node:http request does. At the top level of a module, against a port nobody listens on, a
// waitForReady call with a 1500 ms deadline must reject with DEADLINE_EXCEEDED after 1.5 s; before
// the fix Node exited at once with code 13 (an unsettled top-level await), printing nothing.
const [library, port] = process.argv.slice(2);
const { createClient, loadService, GrpcError } = await import(library);
const Echo = loadService("test/protos/echo.proto", "h2grpc.test.Echo");
const client = createClient(Echo, { address: `127.0.0.1:${port}`, backoff: { initialMs: 100, maxMs: 200 } });
const started = Date.now();
try {
  await client.unary({ message: "x" }, { waitForReady: true, timeoutMs: 1500 });
  console.log("unexpected success");
} catch (error) {
  console.log(`rejected with ${error instanceof GrpcError ? error.code : String(error)} after ${Date.now() - started} ms`);
}
// The client is not closed: an idle channel must not keep the process alive either.
