import { describe, expect, it } from "vitest";
import { backoffSettings, ConnectionBackoff } from "../../src/client/channel/backoff.js";
import { ChannelImpl } from "../../src/client/channel/channel.js";
import { parseTargetUri } from "../../src/client/channel/target.js";
import { isRegisteredScheme, resolverFactory } from "../../src/client/resolver/resolver-registry.js";
import type { Resolution } from "../../src/client/resolver/resolver.js";

/** What the target's resolver reports first (address-list schemes only: no DNS). */
function firstResolution(target: string): Promise<Resolution> {
  const uri = parseTargetUri(target, isRegisteredScheme);
  return new Promise((resolve, reject) => {
    const resolver = resolverFactory(uri.scheme)!.create(
      uri,
      {
        onResolution: (resolution) => (resolver.close(), resolve(resolution)),
        onResolutionError: reject,
      },
      { minResolutionIntervalMs: 0, isServiceConfigLookupEnabled: false },
    );
  });
}

describe("targets (doc/naming.md)", () => {
  it.each([
    ["127.0.0.1:50051", "dns", "127.0.0.1:50051"],
    ["localhost:80", "dns", "localhost:80"],
    ["[::1]:50051", "dns", "[::1]:50051"],
    ["dns:example.com:443", "dns", "example.com:443"],
    ["dns:///example.com:8080", "dns", "example.com:8080"],
    ["dns://8.8.8.8/example.com:8080", "dns", "example.com:8080"],
    ["dns://127.0.0.1:5353/backends.test:50051", "dns", "backends.test:50051"],
    ["dns://[::1]:53/example.com:1", "dns", "example.com:1"],
    ["dns:[::1]:1", "dns", "[::1]:1"],
    ["unix:/tmp/grpc.sock", "unix", "localhost"],
    ["unix:relative.sock", "unix", "localhost"],
    ["unix:///tmp/grpc.sock", "unix", "localhost"],
    ["unix-abstract:h2grpc-test", "unix-abstract", "localhost"],
    ["ipv4:127.0.0.1:1,127.0.0.2:2", "ipv4", "127.0.0.1:1"],
    ["ipv6:[::1]:1,[::2]:2", "ipv6", "[::1]:1"],
  ])("reads %s with the %s resolver; calls carry :authority %s", (target, scheme, authority) => {
    expect(parseTargetUri(target, isRegisteredScheme).scheme).toBe(scheme);
    expect(new ChannelImpl(target).authority).toBe(authority);
  });

  it.each([
    ["unix:/tmp/grpc.sock", [{ kind: "unix", path: "/tmp/grpc.sock" }]],
    ["unix:///tmp/grpc.sock", [{ kind: "unix", path: "/tmp/grpc.sock" }]],
    ["unix:relative.sock", [{ kind: "unix", path: "relative.sock" }]],
    ["unix-abstract:h2grpc-test", [{ kind: "unix", path: "\0h2grpc-test" }]],
    [
      "ipv4:127.0.0.1:1,127.0.0.2:2",
      [
        { kind: "tcp", host: "127.0.0.1", port: 1 },
        { kind: "tcp", host: "127.0.0.2", port: 2 },
      ],
    ],
    ["ipv6:[::1]:1", [{ kind: "tcp", host: "::1", port: 1 }]],
  ])("resolves %s to its addresses", async (target, addresses) => {
    expect((await firstResolution(target)).addresses).toEqual(addresses);
  });

  it.each([
    "localhost",
    "127.0.0.1",
    "::1:50051",
    "[::1]",
    "[::1]50051",
    "host:",
    ":50051",
    "host:99999",
    "host:abc",
    "unix:",
    "unix://relative",
    "[nonsense]:1",
    "dns:///",
    "dns://resolver.example/host:1",
    "dns://8.8.8.8",
    "ipv4:",
    "ipv4:127.0.0.1",
    "ipv4:[::1]:1",
    "ipv6:127.0.0.1:1",
    "ipv6:::1:1",
    "unix-abstract:",
  ])("rejects %s with a TypeError naming the target", (target) => {
    expect(() => new ChannelImpl(target)).toThrow(TypeError);
    expect(() => new ChannelImpl(target)).toThrow(JSON.stringify(target));
  });
});

describe("targets with a URL", () => {
  it.each([
    ["http://127.0.0.1:50061", /no URL scheme: write "127\.0\.0\.1:50061" \(or "dns:\/\/\/127\.0\.0\.1:50061"\).*insecure\(\)/],
    ["https://api.example.com:443/", /no URL scheme: write "api\.example\.com:443".*channelTls\(\)/],
    ["grpc://[::1]:50051", /no URL scheme: write "\[::1\]:50051".*registerResolver/],
  ])("#12 rejects %s saying targets have no scheme and showing the form to use", (target, message) => {
    expect(() => new ChannelImpl(target)).toThrow(TypeError);
    expect(() => new ChannelImpl(target)).toThrow(message);
  });
});

describe("ConnectionBackoff", () => {
  it("follows connection-backoff.md: 1 s, x1.6 up to 120 s, ±20% jitter", () => {
    const backoff = new ConnectionBackoff(backoffSettings(), () => 0.5); // 0.5 → no jitter
    const delays = Array.from({ length: 14 }, () => backoff.nextDelayMs());
    expect(delays.slice(0, 4)).toEqual([1000, 1600, 2560, 4096]);
    expect(delays.at(-1)).toBe(120_000);
    backoff.reset();
    expect(backoff.nextDelayMs()).toBe(1000);
  });

  it("randomizes each delay within ±jitter", () => {
    expect(new ConnectionBackoff(backoffSettings(), () => 0).nextDelayMs()).toBe(800);
    expect(new ConnectionBackoff(backoffSettings(), () => 0.999999).nextDelayMs()).toBe(1200);
  });

  it("gives each attempt at least the minimum connect timeout, or the current backoff if longer", () => {
    const backoff = new ConnectionBackoff(backoffSettings({ initialMs: 10_000, multiplier: 3, minConnectTimeoutMs: 20_000 }), () => 0.5);
    expect(backoff.connectTimeoutMs).toBe(20_000);
    backoff.nextDelayMs();
    expect(backoff.connectTimeoutMs).toBe(30_000);
  });

  it("rejects invalid settings", () => {
    expect(() => backoffSettings({ multiplier: 0.5 })).toThrow(RangeError);
    expect(() => backoffSettings({ initialMs: 10, maxMs: 5 })).toThrow(RangeError);
  });
});
