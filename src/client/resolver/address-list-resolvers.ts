import { ipVersionOf } from "../../transport/ip-address.js";
import { formatHostPort, invalidTarget, parseHostPort, type TargetUri } from "../channel/target.js";
import type { ResolutionListener, ResolvedAddress, Resolver, ResolverFactory } from "./resolver.js";

// The schemes of doc/naming.md whose targets are the addresses themselves: nothing to look up,
// one resolution that never changes.

/** Reports `addresses` once, after create() returns; resolveNow() has nothing new to find. */
class FixedResolver implements Resolver {
  #isClosed = false;

  constructor(addresses: readonly ResolvedAddress[], listener: ResolutionListener) {
    queueMicrotask(() => {
      if (!this.#isClosed) listener.onResolution({ addresses });
    });
  }

  resolveNow(): void {}

  close(): void {
    this.#isClosed = true;
  }
}

/** A factory for a scheme whose endpoint parses straight into addresses. */
function fixedAddressFactory(
  parse: (target: TargetUri) => readonly ResolvedAddress[],
  defaultAuthority: (target: TargetUri) => string,
): ResolverFactory {
  return {
    validate: (target) => void parse(target),
    defaultAuthority,
    create: (target, listener) => new FixedResolver(parse(target), listener),
  };
}

/** naming.md `ipv4:address:port[,address:port,...]` (h2grpc requires the port, as for every TCP target). */
export const ipv4ResolverFactory: ResolverFactory = fixedAddressFactory(
  (target) => parseAddressList(target, 4),
  (target) => target.endpoint.split(",")[0] ?? "",
);

/** naming.md `ipv6:[address]:port[,[address]:port,...]`. */
export const ipv6ResolverFactory: ResolverFactory = fixedAddressFactory(
  (target) => parseAddressList(target, 6),
  (target) => target.endpoint.split(",")[0] ?? "",
);

/** naming.md `unix:path` (relative or absolute) and `unix:///absolute/path`; the authority is "localhost", as in grpc-go. */
export const unixResolverFactory: ResolverFactory = fixedAddressFactory(
  (target) => [{ kind: "unix", path: unixPath(target) }],
  () => "localhost",
);

/** naming.md `unix-abstract:name`: a Linux abstract socket, whose path is the name after a NUL byte. */
export const unixAbstractResolverFactory: ResolverFactory = fixedAddressFactory(
  (target) => {
    const name = afterScheme(target);
    if (name === "") throw invalidTarget(target.text, "unix-abstract: needs a socket name");
    return [{ kind: "unix", path: `\0${name}` }];
  },
  () => "localhost",
);

function parseAddressList(target: TargetUri, family: 4 | 6): ResolvedAddress[] {
  if (target.authority !== "") throw invalidTarget(target.text, `ipv${family}: takes no authority`);
  if (target.endpoint === "") throw invalidTarget(target.text, `ipv${family}: needs at least one address`);
  return target.endpoint.split(",").map((part) => {
    const { host, port } = parseHostPort(target.text, part);
    if (ipVersionOf(host) !== family) throw invalidTarget(target.text, `"${part}" is not an IPv${family} address and port`);
    return { kind: "tcp", host, port };
  });
}

/** The target after "scheme:", whatever case the scheme was written in. */
function afterScheme(target: TargetUri): string {
  return target.text.slice(target.text.indexOf(":") + 1);
}

function unixPath(target: TargetUri): string {
  // Read from the text: "unix:///tmp/s" must keep its leading slash, which the generic split drops.
  const rest = afterScheme(target);
  const path = rest.startsWith("//") ? rest.slice(2) : rest;
  if (path === "" || (rest.startsWith("//") && !path.startsWith("/"))) throw invalidTarget(target.text, "unix: needs a socket path");
  return path;
}

/** The address as grpc writes it in messages: "127.0.0.1:50051", "[::1]:50051", "unix:/tmp/s". */
export function describeAddress(address: ResolvedAddress): string {
  if (address.kind === "tcp") return formatHostPort(address);
  return address.path.startsWith("\0") ? `unix-abstract:${address.path.slice(1)}` : `unix:${address.path}`;
}
