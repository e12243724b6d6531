import { ipVersionOf } from "../../transport/ip-address.js";

/** Where a channel connects: a TCP host and port, or a unix socket path. */
export type ChannelTarget =
  | { readonly kind: "tcp"; readonly host: string; readonly port: number; readonly authority: string }
  | { readonly kind: "unix"; readonly path: string; readonly authority: string };

/**
 * Parses a gRPC target (doc/naming.md): "host:port", "[v6]:port", "dns:host:port",
 * "dns:///host:port", "unix:/path" or "unix:///path". A port is required except for unix
 * sockets; throws TypeError for anything else, naming the target.
 */
export function parseTarget(target: string): ChannelTarget {
  if (target.startsWith("unix:")) {
    // naming.md: "unix:path" is relative or absolute, "unix:///path" absolute; the authority is "localhost" as in grpc-go.
    const path = target.startsWith("unix://") ? target.slice("unix://".length) : target.slice("unix:".length);
    if (path === "" || (target.startsWith("unix://") && !path.startsWith("/"))) throw invalid(target, "unix: needs a socket path");
    return { kind: "unix", path, authority: "localhost" };
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(target)?.[1];
  if (scheme !== undefined && scheme !== "dns") throw withoutScheme(target, scheme);
  let hostPort = target;
  if (target.startsWith("dns:")) {
    hostPort = target.slice("dns:".length);
    if (hostPort.startsWith("//")) {
      // dns://[authority]/host:port; a DNS server authority is not supported (grpc-go ignores it too).
      const slash = hostPort.indexOf("/", 2);
      if (slash < 0) throw invalid(target, "dns:// needs a /host:port after the authority");
      hostPort = hostPort.slice(slash + 1);
    }
  }
  return parseHostPort(target, hostPort);
}

function parseHostPort(target: string, hostPort: string): ChannelTarget {
  let host: string;
  let portText: string;
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close < 0 || hostPort[close + 1] !== ":") throw invalid(target, "expected [v6 address]:port");
    host = hostPort.slice(1, close);
    portText = hostPort.slice(close + 2);
    if (ipVersionOf(host) !== 6) throw invalid(target, `"${host}" is not an IPv6 address`);
  } else {
    const colon = hostPort.lastIndexOf(":");
    if (colon < 0) throw invalid(target, "a port is required (host:port)");
    host = hostPort.slice(0, colon);
    portText = hostPort.slice(colon + 1);
    if (host.includes(":")) throw invalid(target, "IPv6 addresses need brackets: [::1]:port");
  }
  if (host === "") throw invalid(target, "the host is empty");
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw invalid(target, `"${portText}" is not a port`);
  const port = Number(portText);
  const authority = ipVersionOf(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
  return { kind: "tcp", host, port, authority };
}

// grpc-js and grpc-go read "http://host:port" as a host named "http"; a URL is the usual slip.
function withoutScheme(target: string, scheme: string): TypeError {
  const rest = target.slice(scheme.length + 3).replace(/\/+$/, "");
  const security = scheme.toLowerCase() === "https" ? "channelTls()" : "insecure() (the default) or channelTls()";
  return invalid(target, `a target has no URL scheme: write "${rest}" (or "dns:///${rest}"); TLS is chosen by credentials: ${security}`);
}

function invalid(target: string, reason: string): TypeError {
  return new TypeError(`invalid target ${JSON.stringify(target)}: ${reason}`);
}
