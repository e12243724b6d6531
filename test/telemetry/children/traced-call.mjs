// Makes one call against a server in this process; H2GRPC_TRACE in the environment turns the trace log on.
const [library] = process.argv.slice(2);
const { createClient, closeClient, createServer, loadService } = await import(library);
const Echo = loadService("test/protos/echo.proto", "h2grpc.test.Echo");
const server = createServer().addService(Echo, { async unary(request) { return { message: request.message }; } });
const port = await server.listen({ host: "127.0.0.1", port: 0 });
const client = createClient(Echo, { address: `127.0.0.1:${port}` });
await client.unary({ message: "traced" });
closeClient(client);
await server.close();
