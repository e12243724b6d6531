import net from "node:net";

/**
 * Asks the kernel for a free TCP port on `host` (by listening on port 0 and closing again), so
 * that several processes can be told one port before any of them listens; rejects with the
 * listen error (e.g. EADDRNOTAVAIL for a host that is not local).
 */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
