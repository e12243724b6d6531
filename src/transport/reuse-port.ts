// SO_REUSEPORT on a listening socket: several processes bind the same port and the kernel spreads
// new connections over them (socket(7)). Node exposes it as `server.listen({ reusePort })` since
// 22.12 and 23.1; earlier versions ignore the option silently, so the second process would fail
// with EADDRINUSE. We check first and say so instead.

// Node's net.md lists the platforms whose kernels balance connections over SO_REUSEPORT sockets
// (macOS and Windows accept the flag but do not balance, or refuse it).
const BALANCING_PLATFORMS: readonly NodeJS.Platform[] = ["linux", "freebsd", "sunos", "aix"];

/** Why `reusePort` cannot be used in this process (Node version or platform), or undefined when it can. */
export function reusePortUnsupportedReason(version: string = process.versions.node, platform: NodeJS.Platform = process.platform): string | undefined {
  if (!BALANCING_PLATFORMS.includes(platform)) {
    return `reusePort needs a kernel that spreads connections over SO_REUSEPORT sockets (Linux, FreeBSD); this is ${platform}`;
  }
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 12) || (major === 23 && minor < 1)) {
    return `reusePort needs Node 22.12 or later (Node ${version} ignores the option); leave it out to share the port through node:cluster instead`;
  }
  return undefined;
}

/**
 * The listen options that give this process a socket of its own on a shared port. `exclusive`
 * matters inside a node:cluster worker: without it, Node asks the cluster primary for its shared
 * handle instead of binding (net.md, server.listen `exclusive`).
 */
export const REUSE_PORT_LISTEN_OPTIONS = { reusePort: true, exclusive: true } as const;
