import { ipv4ResolverFactory, ipv6ResolverFactory, unixAbstractResolverFactory, unixResolverFactory } from "./address-list-resolvers.js";
import { dnsResolverFactory } from "./dns-resolver.js";
import type { ResolverFactory } from "./resolver.js";

const factories = new Map<string, ResolverFactory>([
  ["dns", dnsResolverFactory],
  ["ipv4", ipv4ResolverFactory],
  ["ipv6", ipv6ResolverFactory],
  ["unix", unixResolverFactory],
  ["unix-abstract", unixAbstractResolverFactory],
]);

/**
 * Makes targets "scheme:..." resolve through `factory` in every channel created afterwards (service
 * discovery of one's own); a second registration of a scheme replaces the first, built-in ones
 * included. Throws TypeError for a scheme that is not a URI scheme (RFC 3986 §3.1, lower case).
 */
export function registerResolver(scheme: string, factory: ResolverFactory): void {
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) throw new TypeError(`registerResolver: invalid scheme ${JSON.stringify(scheme)} (lower-case letters, digits, "+", "." and "-")`);
  if (typeof factory?.create !== "function") throw new TypeError("registerResolver: the factory needs a create(target, listener, options) method");
  factories.set(scheme, factory);
}

/** The factory registered for `scheme`, or undefined. */
export function resolverFactory(scheme: string): ResolverFactory | undefined {
  return factories.get(scheme);
}

/** True when a resolver is registered for `scheme` (lower case). */
export function isRegisteredScheme(scheme: string): boolean {
  return factories.has(scheme);
}
