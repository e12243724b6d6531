// Test helper: starts an h2grpc server on a free loopback port and closes it after the test.
import { afterEach } from "vitest";
import { createServer } from "../../src/server/server.js";
import type { ListenOptions, Server, ServerOptions } from "../../src/server/server-options.js";

const started: Server[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

/** Creates a server, lets `setup` register services, listens on 127.0.0.1:0; closed after the test. */
export async function startServer(
  setup: (server: Server) => void,
  options: ServerOptions = {},
  listen: ListenOptions = {},
): Promise<{ server: Server; port: number; address: string }> {
  const server = createServer(options);
  setup(server);
  started.push(server);
  const port = await server.listen({ host: "127.0.0.1", port: 0, ...listen });
  return { server, port, address: `127.0.0.1:${port}` };
}
