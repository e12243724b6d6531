import { ipVersionOf } from "../../transport/ip-address.js";
import type { ResolvedAddress } from "../resolver/resolver.js";

/** A key that is equal for equal addresses, to match subchannels across resolutions. */
export function addressKey(address: ResolvedAddress): string {
  return address.kind === "tcp" ? `${address.host}|${address.port}` : `unix|${address.path}`;
}

/** `addresses` without repeats, in their first order. */
export function uniqueAddresses(addresses: readonly ResolvedAddress[]): ResolvedAddress[] {
  const seen = new Set<string>();
  return addresses.filter((address) => {
    const key = addressKey(address);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * RFC 8305 §4 as gRFC A61 applies it to pick_first: the first address's family first, then
 * alternating families, each family keeping its own order, so one broken family costs one
 * connection-attempt delay instead of all of them.
 */
export function interleaveFamilies(addresses: readonly ResolvedAddress[]): ResolvedAddress[] {
  const families = new Map<string, ResolvedAddress[]>();
  for (const address of addresses) {
    const family = address.kind === "unix" ? "unix" : `ipv${ipVersionOf(address.host)}`;
    const list = families.get(family);
    if (list === undefined) families.set(family, [address]);
    else list.push(address);
  }
  if (families.size < 2) return [...addresses];
  const queues = [...families.values()];
  const ordered: ResolvedAddress[] = [];
  for (let index = 0; ordered.length < addresses.length; index++) {
    for (const queue of queues) {
      const address = queue[index];
      if (address !== undefined) ordered.push(address);
    }
  }
  return ordered;
}

/** A Fisher-Yates shuffle of `addresses` (gRFC A62 shuffleAddressList). */
export function shuffleAddresses(addresses: readonly ResolvedAddress[], random: () => number = Math.random): ResolvedAddress[] {
  const shuffled = [...addresses];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as ResolvedAddress, shuffled[i] as ResolvedAddress];
  }
  return shuffled;
}
