import dns from "node:dns";

/** DNS queries for one resolver: a host's addresses and a name's TXT records. */
export interface DnsLookup {
  /** Every IPv4 and IPv6 address of `host`, in the order the resolver gave them; rejects with Node's DNS error. */
  lookupAddresses(host: string): Promise<string[]>;
  /** Every TXT record of `name`, each with its character-strings joined (RFC 1035 §3.3.14); rejects with Node's DNS error. */
  lookupTxt(name: string): Promise<string[]>;
}

// The codes for "the name exists but has no record of this type" and "no such name": one family
// missing is normal (an IPv4-only host has no AAAA records).
const NO_RECORDS: ReadonlySet<string> = new Set([dns.NODATA, dns.NOTFOUND]);

/**
 * The system's resolver when `server` is undefined (getaddrinfo, so /etc/hosts and nsswitch apply,
 * as Go's resolver reads /etc/hosts for grpc-go), else A and AAAA queries sent to `server`
 * ("127.0.0.1:5353", "[::1]:53": doc/naming.md's dns authority).
 */
export function createDnsLookup(server: string | undefined): DnsLookup {
  if (server === undefined) {
    return {
      lookupAddresses: async (host) => (await dns.promises.lookup(host, { all: true, order: "verbatim" })).map((entry) => entry.address),
      lookupTxt: async (name) => (await dns.promises.resolveTxt(name)).map((chunks) => chunks.join("")),
    };
  }
  const resolver = new dns.promises.Resolver();
  resolver.setServers([server]);
  return {
    async lookupAddresses(host) {
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
      const addresses = [...settledRecords(v4), ...settledRecords(v6)];
      if (addresses.length > 0) return addresses;
      // Report the more telling failure: a refused or timed-out server over "no AAAA records".
      const failed = [v4, v6].filter((result): result is PromiseRejectedResult => result.status === "rejected");
      const reason = failed.find((result) => !NO_RECORDS.has(errorCode(result.reason)))?.reason ?? failed[0]?.reason;
      throw reason ?? Object.assign(new Error(`no addresses for ${host}`), { code: dns.NOTFOUND });
    },
    lookupTxt: async (name) => (await resolver.resolveTxt(name)).map((chunks) => chunks.join("")),
  };
}

function settledRecords(result: PromiseSettledResult<string[]>): string[] {
  return result.status === "fulfilled" ? result.value : [];
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : "";
}

/** True for the DNS errors that mean "there is no such record", as opposed to a failed query. */
export function isNoRecordsError(error: unknown): boolean {
  return NO_RECORDS.has(errorCode(error));
}
