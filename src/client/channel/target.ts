import { ipVersionOf } from "../../transport/ip-address.js";

/** A target split as grpc's doc/naming.md reads it: `scheme:[//authority/]endpoint`. */
export interface TargetUri {
  /** The resolver's scheme ("dns", "ipv4", "unix", or one registered with registerResolver). */
  readonly scheme: string;
  /** What sits between "//" and the next "/" (for dns: the DNS server to ask); "" when absent. */
  readonly authority: string;
  /** What the resolver resolves: "host:port" for dns, an address list for ipv4, a path for unix. */
  readonly endpoint: string;
  /** The target as the user wrote it. */
  readonly text: string;
}

/** A TCP host (a name or an IP address, IPv6 without brackets) and port. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Splits `target` into scheme, authority and endpoint (doc/naming.md). A target whose scheme
 * `isRegistered` does not know is a dns endpoint as a whole ("localhost:50051", "[::1]:50051"), as
 * in grpc-go; a URL ("http://host:port") is refused with the form to write. Throws TypeError.
 */
export function parseTargetUri(target: string, isRegistered: (scheme: string) => boolean): TargetUri {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(target)?.[1];
  if (scheme === undefined || !isRegistered(scheme.toLowerCase())) {
    if (scheme !== undefined && target.startsWith(`${scheme}://`)) throw withoutScheme(target, scheme);
    return { scheme: "dns", authority: "", endpoint: target, text: target };
  }
  let rest = target.slice(scheme.length + 1);
  let authority = "";
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    if (slash < 0) throw invalidTarget(target, `${scheme}:// needs a "/" after the authority`);
    authority = rest.slice(2, slash);
    rest = rest.slice(slash + 1);
  }
  return { scheme: scheme.toLowerCase(), authority, endpoint: rest, text: target };
}

/**
 * Parses "host:port" or "[v6]:port"; a port is required and an IPv6 address needs brackets.
 * Throws TypeError naming `target`.
 */
export function parseHostPort(target: string, hostPort: string): HostPort {
  let host: string;
  let portText: string;
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close < 0 || hostPort[close + 1] !== ":") throw invalidTarget(target, "expected [v6 address]:port");
    host = hostPort.slice(1, close);
    portText = hostPort.slice(close + 2);
    if (ipVersionOf(host) !== 6) throw invalidTarget(target, `"${host}" is not an IPv6 address`);
  } else {
    const colon = hostPort.lastIndexOf(":");
    if (colon < 0) throw invalidTarget(target, "a port is required (host:port)");
    host = hostPort.slice(0, colon);
    portText = hostPort.slice(colon + 1);
    if (host.includes(":")) throw invalidTarget(target, "IPv6 addresses need brackets: [::1]:port");
  }
  if (host === "") throw invalidTarget(target, "the host is empty");
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw invalidTarget(target, `"${portText}" is not a port`);
  return { host, port: Number(portText) };
}

/** "host:port", with brackets around an IPv6 address: the form of :authority. */
export function formatHostPort({ host, port }: HostPort): string {
  return ipVersionOf(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The host of an :authority ("name:port", "[v6]:port", "name"), IPv6 without brackets. */
export function hostOfAuthority(authority: string): string {
  if (authority.startsWith("[")) return authority.slice(1, Math.max(1, authority.indexOf("]")));
  const colon = authority.lastIndexOf(":");
  return colon < 0 || authority.indexOf(":") !== colon ? authority : authority.slice(0, colon);
}

/** A TypeError saying what is wrong with `target`, for resolvers to throw. */
export function invalidTarget(target: string, reason: string): TypeError {
  return new TypeError(`invalid target ${JSON.stringify(target)}: ${reason}`);
}

// grpc-js and grpc-go read "http://host:port" as a host named "http"; a URL is the usual slip.
function withoutScheme(target: string, scheme: string): TypeError {
  const rest = target.slice(scheme.length + 3).replace(/\/+$/, "");
  const security = scheme.toLowerCase() === "https" ? "channelTls()" : "insecure() (the default) or channelTls()";
  return invalidTarget(
    target,
    `a target has no URL scheme: write "${rest}" (or "dns:///${rest}"); TLS is chosen by credentials: ${security}` +
      ` (or register a resolver for "${scheme}:" with registerResolver)`,
  );
}
