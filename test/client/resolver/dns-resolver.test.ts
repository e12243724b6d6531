import { describe, expect, it } from "vitest";
import { DnsResolver } from "../../../src/client/resolver/dns-resolver.js";
import type { Resolution } from "../../../src/client/resolver/resolver.js";
import { serviceConfigFromTxtRecords } from "../../../src/client/service-config/dns-service-config.js";
import type { GrpcError } from "../../../src/grpc-error.js";
import { Status } from "../../../src/status.js";
import type { DnsLookup } from "../../../src/transport/dns-lookup.js";
import { ManualTimers } from "../balancer/fake-balancer-parts.js";

/** A DNS whose answers the test sets, counting the queries. */
class FakeDns implements DnsLookup {
  addresses: string[] | Error = ["10.0.0.1"];
  txt: string[] | Error = [];
  addressQueries: string[] = [];
  txtQueries: string[] = [];

  async lookupAddresses(host: string): Promise<string[]> {
    this.addressQueries.push(host);
    if (this.addresses instanceof Error) throw this.addresses;
    return this.addresses;
  }

  async lookupTxt(name: string): Promise<string[]> {
    this.txtQueries.push(name);
    if (this.txt instanceof Error) throw this.txt;
    return this.txt;
  }
}

/** Starts a resolver for backends.test:50051 and collects what it reports. */
function start(dns: FakeDns, options: { minResolutionIntervalMs?: number; isServiceConfigLookupEnabled?: boolean } = {}) {
  const timers = new ManualTimers();
  const results: (Resolution | GrpcError)[] = [];
  let notify: () => void = () => {};
  const resolver = new DnsResolver(
    { host: "backends.test", port: 50051 },
    dns,
    {
      onResolution: (resolution) => (results.push(resolution), notify()),
      onResolutionError: (error) => (results.push(error), notify()),
    },
    { minResolutionIntervalMs: options.minResolutionIntervalMs ?? 30_000, isServiceConfigLookupEnabled: options.isServiceConfigLookupEnabled ?? false },
    timers,
  );
  /** Waits until `count` results arrived. */
  const reported = (count: number): Promise<(Resolution | GrpcError)[]> =>
    new Promise((resolve) => {
      notify = () => {
        if (results.length >= count) resolve(results);
      };
      notify();
    });
  return { resolver, timers, results, reported };
}

const noRecords = (): Error => Object.assign(new Error("queryTxt ENODATA"), { code: "ENODATA" });

describe("dns resolver", () => {
  it("reports every A and AAAA address with the target's port", async () => {
    const dns = new FakeDns();
    dns.addresses = ["10.0.0.1", "10.0.0.2", "::1"];
    const { reported, resolver } = start(dns);
    const [first] = await reported(1);
    resolver.close();
    expect(first).toEqual({
      addresses: [
        { kind: "tcp", host: "10.0.0.1", port: 50051 },
        { kind: "tcp", host: "10.0.0.2", port: 50051 },
        { kind: "tcp", host: "::1", port: 50051 },
      ],
    });
    expect(dns.txtQueries).toEqual([]); // off by default, as in grpc-go
  });

  it("resolves again on request, but never sooner than minResolutionIntervalMs after the last time", async () => {
    const dns = new FakeDns();
    const { reported, resolver, timers } = start(dns, { minResolutionIntervalMs: 30_000 });
    await reported(1);
    timers.advance(10_000);
    resolver.resolveNow();
    resolver.resolveNow();
    expect(dns.addressQueries).toHaveLength(1);
    dns.addresses = ["10.0.0.9"];
    timers.advance(19_999);
    expect(dns.addressQueries).toHaveLength(1);
    timers.advance(1);
    const results = await reported(2);
    expect(dns.addressQueries).toHaveLength(2);
    expect((results[1] as Resolution).addresses).toEqual([{ kind: "tcp", host: "10.0.0.9", port: 50051 }]);
    resolver.close();
  });

  it("reports a failed lookup as UNAVAILABLE naming the host, and retries it with backoff", async () => {
    const dns = new FakeDns();
    dns.addresses = Object.assign(new Error("queryA ECONNREFUSED backends.test"), { code: "ECONNREFUSED" });
    const { reported, resolver, timers } = start(dns);
    const [error] = (await reported(1)) as GrpcError[];
    expect(error!.code).toBe(Status.UNAVAILABLE);
    expect(error!.details).toBe("DNS resolution of backends.test failed: queryA ECONNREFUSED backends.test");
    dns.addresses = ["10.0.0.1"];
    timers.advance(1_200); // connection-backoff.md: the first retry within 1 s ± 20%
    const results = await reported(2);
    expect((results[1] as Resolution).addresses).toHaveLength(1);
    resolver.close();
  });

  it("reads the service config from _grpc_config.<host> when enabled; a missing record means none", async () => {
    const dns = new FakeDns();
    dns.txt = ['grpc_config=[{"serviceConfig":{"loadBalancingConfig":[{"round_robin":{}}]}}]'];
    const { reported, resolver, timers } = start(dns, { isServiceConfigLookupEnabled: true, minResolutionIntervalMs: 0 });
    const [first] = (await reported(1)) as Resolution[];
    expect(dns.txtQueries).toEqual(["_grpc_config.backends.test"]);
    expect(first!.serviceConfig).toEqual({ loadBalancingConfig: [{ round_robin: {} }] });
    dns.txt = noRecords();
    resolver.resolveNow();
    timers.advance(0);
    const results = (await reported(2)) as Resolution[];
    expect(results[1]!.serviceConfig).toBeUndefined();
    resolver.close();
  });

  it("reports nothing after close()", async () => {
    const dns = new FakeDns();
    const { resolver, results } = start(dns);
    resolver.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(results).toEqual([]);
  });
});

describe("service config in DNS TXT (gRFC A2)", () => {
  const facts = { hostname: "client-1", percentile: 50 };

  it("takes the first choice that applies to this client", () => {
    const record = `grpc_config=${JSON.stringify([
      { clientLanguage: ["go", "java"], serviceConfig: { loadBalancingPolicy: "go" } },
      { clientHostname: ["client-2"], serviceConfig: { loadBalancingPolicy: "other host" } },
      { percentage: 50, serviceConfig: { loadBalancingPolicy: "50%" } },
      { clientLanguage: ["NODE"], percentage: 51, clientHostname: ["client-1"], serviceConfig: { loadBalancingPolicy: "ours" } },
    ])}`;
    expect(serviceConfigFromTxtRecords(["v=spf1 -all", record], facts)).toEqual({ loadBalancingPolicy: "ours" });
  });

  it("finds none without a grpc_config= record or an applicable choice", () => {
    expect(serviceConfigFromTxtRecords(["other"], facts)).toBeUndefined();
    expect(serviceConfigFromTxtRecords(['grpc_config=[{"percentage":0,"serviceConfig":{}}]'], facts)).toBeUndefined();
  });

  it.each([
    ["grpc_config={", /not JSON/],
    ['grpc_config={"serviceConfig":{}}', /grpc_config must be an array/],
    ['grpc_config=[{"serviceConfig":{},"colour":"red"}]', /grpc_config\[0\]\.colour must be absent/],
    ['grpc_config=[{"percentage":101,"serviceConfig":{}}]', /percentage must be an integer from 0 to 100/],
    ['grpc_config=[{"clientLanguage":"node","serviceConfig":{}}]', /clientLanguage must be an array/],
  ])("rejects %s with a TypeError", (record, message) => {
    expect(() => serviceConfigFromTxtRecords([record], facts)).toThrow(message);
  });
});
