import { describe, expect, it } from "vitest";
import { backoffSettings, ConnectionBackoff } from "../../src/client/channel/backoff.js";
import { parseTarget } from "../../src/client/channel/target.js";

describe("parseTarget", () => {
  it.each([
    ["127.0.0.1:50051", { kind: "tcp", host: "127.0.0.1", port: 50051, authority: "127.0.0.1:50051" }],
    ["localhost:80", { kind: "tcp", host: "localhost", port: 80, authority: "localhost:80" }],
    ["[::1]:50051", { kind: "tcp", host: "::1", port: 50051, authority: "[::1]:50051" }],
    ["dns:example.com:443", { kind: "tcp", host: "example.com", port: 443, authority: "example.com:443" }],
    ["dns:///example.com:8080", { kind: "tcp", host: "example.com", port: 8080, authority: "example.com:8080" }],
    ["dns://8.8.8.8/example.com:8080", { kind: "tcp", host: "example.com", port: 8080, authority: "example.com:8080" }],
    ["dns:[::1]:1", { kind: "tcp", host: "::1", port: 1, authority: "[::1]:1" }],
    ["unix:/tmp/grpc.sock", { kind: "unix", path: "/tmp/grpc.sock", authority: "localhost" }],
    ["unix:relative.sock", { kind: "unix", path: "relative.sock", authority: "localhost" }],
    ["unix:///tmp/grpc.sock", { kind: "unix", path: "/tmp/grpc.sock", authority: "localhost" }],
  ])("parses %s", (target, expected) => {
    expect(parseTarget(target)).toEqual(expected);
  });

  it.each(["localhost", "127.0.0.1", "::1:50051", "[::1]", "[::1]50051", "host:", ":50051", "host:99999", "host:abc", "unix:", "unix://relative", "[nonsense]:1", "dns:///"])(
    "rejects %s with a TypeError naming the target",
    (target) => {
      expect(() => parseTarget(target)).toThrow(TypeError);
      expect(() => parseTarget(target)).toThrow(JSON.stringify(target));
    },
  );
});

describe("parseTarget with a URL", () => {
  it.each([
    ["http://127.0.0.1:50061", /no URL scheme: write "127\.0\.0\.1:50061" \(or "dns:\/\/\/127\.0\.0\.1:50061"\).*insecure\(\)/],
    ["https://api.example.com:443/", /no URL scheme: write "api\.example\.com:443".*channelTls\(\)/],
    ["grpc://[::1]:50051", /no URL scheme: write "\[::1\]:50051"/],
  ])("#12 rejects %s saying targets have no scheme and showing the form to use", (target, message) => {
    expect(() => parseTarget(target)).toThrow(TypeError);
    expect(() => parseTarget(target)).toThrow(message);
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
