// Test helper: the one way tests start an h2grpc server, on a free loopback port.
import { afterEach } from "vitest";
import { createServer } from "../../src/server/server.js";
import type { ListenOptions, Server, ServerOptions } from "../../src/server/server-options.js";
import type { ServiceImpl } from "../../src/server/service-impl.js";
import { Echo } from "./echo.js";

/** A listening server and how to reach it. */
export interface StartedServer {
  readonly server: Server;
  readonly port: number;
  /** "127.0.0.1:<port>" (or the listen host's). */
  readonly address: string;
  /** Closes at once (graceMs 0); safe to call twice. */
  close(): Promise<void>;
}

const closeAfterTest: Server[] = [];

afterEach(async () => {
  await Promise.all(closeAfterTest.splice(0).map((server) => server.close()));
});

/** Creates a server, lets `setup` register services and listens on 127.0.0.1:0 (or `listen`); the caller closes it. */
export async function listenServer(setup: (server: Server) => void, options: ServerOptions = {}, listen: ListenOptions = {}): Promise<StartedServer> {
  const server = createServer(options);
  setup(server);
  const host = listen.host ?? "127.0.0.1";
  const port = await server.listen({ host, port: 0, ...listen });
  return { server, port, address: host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`, close: () => server.close({ graceMs: 0 }) };
}

/** listenServer, closed after the current test. */
export async function startServer(setup: (server: Server) => void, options: ServerOptions = {}, listen: ListenOptions = {}): Promise<StartedServer> {
  const started = await listenServer(setup, options, listen);
  closeAfterTest.push(started.server);
  return started;
}

/** An Echo server (test/helpers/echo.ts) with `impl`; the caller closes it. */
export function startEchoServer(impl: ServiceImpl<typeof Echo>, options: { server?: ServerOptions; listen?: ListenOptions } = {}): Promise<StartedServer> {
  return listenServer((server) => server.addService(Echo, impl), options.server, options.listen);
}
