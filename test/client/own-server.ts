// Starts our own server (src/server) with an Echo implementation, for the client's tests against h2grpc itself.
import { createServer } from "../../src/server/server.js";
import type { ServiceImpl } from "../../src/server/service-impl.js";
import type { Server, ServerOptions, ListenOptions } from "../../src/server/server-options.js";
import { insecure } from "../../src/transport/tls.js";
import { Echo } from "./grpc-js-peer.js";

export interface OwnPeer {
  readonly server: Server;
  readonly port: number;
  readonly address: string;
  close(): Promise<void>;
}

/** Starts an h2grpc server with `impl` on 127.0.0.1 (port 0 unless given). */
export async function startOwnServer(
  impl: ServiceImpl<typeof Echo>,
  options: { server?: ServerOptions; listen?: ListenOptions } = {},
): Promise<OwnPeer> {
  const server = createServer(options.server);
  server.addService(Echo, impl);
  const port = await server.listen({ host: "127.0.0.1", port: 0, credentials: insecure(), ...options.listen });
  return { server, port, address: `127.0.0.1:${port}`, close: () => server.close({ graceMs: 0 }) };
}
