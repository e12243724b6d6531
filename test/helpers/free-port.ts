// Loopback ports for programs that cannot report the port they bound (dnsmasq, nginx, haproxy).
import dgram from "node:dgram";
import net from "node:net";
import { findFreePort } from "../../src/transport/free-port.js";

/** A port free for TCP and, with `isUdpToo`, UDP on `host` (bound, then released: a program started next can take it). */
export async function freePort(host = "127.0.0.1", isUdpToo = false): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await findFreePort(host);
    if (!isUdpToo) return port;
    const socket = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
    const isFree = await new Promise<boolean>((resolve) => {
      socket.once("error", () => resolve(false));
      socket.bind(port, host, () => resolve(true));
    });
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    if (isFree) return port;
  }
  throw new Error(`no port free for TCP and UDP on ${host} after 20 tries`);
}

/** Resolves once something accepts TCP connections on host:port; rejects after `timeoutMs`. */
export async function waitForListener(host: string, port: number, timeoutMs = 20_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const error = await new Promise<Error | undefined>((resolve) => {
      const socket = net.connect({ host, port }, () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once("error", resolve);
    });
    if (error === undefined) return;
    if (Date.now() > giveUpAt) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms: ${error.message}`);
    // A refused connect is the only event there is: try again shortly.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
