import { describe, expect, it } from "vitest";
import { parseServiceConfig } from "../../../src/client/service-config/service-config.js";
import { Status } from "../../../src/status.js";

const RETRY = {
  maxAttempts: 4,
  initialBackoff: "0.1s",
  maxBackoff: "1s",
  backoffMultiplier: 2,
  retryableStatusCodes: ["UNAVAILABLE", "resource_exhausted", 10],
};

describe("service config (service_config.proto, doc/service_config.md)", () => {
  it("reads every method config field; durations become ms and status names codes", () => {
    const config = parseServiceConfig({
      methodConfig: [
        {
          name: [{ service: "h2grpc.test.Echo", method: "Unary" }],
          waitForReady: true,
          timeout: "1.5s",
          maxRequestMessageBytes: 1024,
          maxResponseMessageBytes: "2048",
          retryPolicy: RETRY,
        },
        { name: [{ service: "h2grpc.test.Echo" }], hedgingPolicy: { maxAttempts: 9, hedgingDelay: "0.000100s", nonFatalStatusCodes: ["UNAVAILABLE"] } },
      ],
    });
    expect(config.methods.lookUp("/h2grpc.test.Echo/Unary")).toEqual({
      waitForReady: true,
      timeoutMs: 1500,
      maxRequestMessageBytes: 1024,
      maxResponseMessageBytes: 2048,
      retryPolicy: {
        maxAttempts: 4,
        initialBackoffMs: 100,
        maxBackoffMs: 1000,
        backoffMultiplier: 2,
        retryableStatusCodes: new Set([Status.UNAVAILABLE, Status.RESOURCE_EXHAUSTED, Status.ABORTED]),
      },
      hedgingPolicy: undefined,
    });
    expect(config.methods.lookUp("/h2grpc.test.Echo/ServerStream")?.hedgingPolicy).toEqual({
      maxAttempts: 5, // gRFC A6: more than 5 is 5
      hedgingDelayMs: 0.1,
      nonFatalStatusCodes: new Set([Status.UNAVAILABLE]),
    });
  });

  it("finds a method's config by method, then by service, then the default, else none", () => {
    const config = parseServiceConfig({
      methodConfig: [
        { name: [{ service: "a.S", method: "M" }], timeout: "1s" },
        { name: [{ service: "a.S" }], timeout: "2s" },
        { name: [{}], timeout: "3s" },
      ],
    });
    expect(config.methods.lookUp("/a.S/M")?.timeoutMs).toBe(1000);
    expect(config.methods.lookUp("/a.S/N")?.timeoutMs).toBe(2000);
    expect(config.methods.lookUp("/b.T/M")?.timeoutMs).toBe(3000);
    expect(parseServiceConfig({ methodConfig: [{ name: [{ service: "a.S" }] }] }).methods.lookUp("/b.T/M")).toBeUndefined();
  });

  it("chooses the first load-balancing policy it knows, skipping unknown ones", () => {
    expect(parseServiceConfig({ loadBalancingConfig: [{ grpclb: {} }, { round_robin: {} }, { pick_first: {} }] }).loadBalancing).toEqual({
      policy: "round_robin",
      config: {},
    });
    expect(parseServiceConfig({ loadBalancingConfig: [{ pick_first: { shuffleAddressList: true } }] }).loadBalancing).toEqual({
      policy: "pick_first",
      config: { shuffleAddressList: true },
    });
    expect(parseServiceConfig({ loadBalancingPolicy: "ROUND_ROBIN" }).loadBalancing?.policy).toBe("round_robin");
    expect(parseServiceConfig({}).loadBalancing).toBeUndefined();
  });

  it("reads retryThrottling (token ratio to three decimals) and healthCheckConfig", () => {
    const config = parseServiceConfig('{"retryThrottling":{"maxTokens":10,"tokenRatio":0.12345},"healthCheckConfig":{"serviceName":"h2grpc.test.Echo"}}');
    expect(config.retryThrottling).toEqual({ maxTokens: 10, tokenRatio: 0.123 });
    expect(config.healthCheckServiceName).toBe("h2grpc.test.Echo");
    expect(parseServiceConfig({ healthCheckConfig: {} }).healthCheckServiceName).toBe("");
  });

  it.each([
    ["{", /not JSON/],
    [[], /the service config must be an object/],
    [{ loadBalancingConfig: [{ grpclb: {} }] }, /loadBalancingConfig must be a list naming a known policy/],
    [{ loadBalancingConfig: [{ round_robin: {}, pick_first: {} }] }, /loadBalancingConfig\[0\] must be an object with exactly one policy name/],
    [{ loadBalancingConfig: [{ pick_first: { shuffleAddressList: "yes" } }] }, /pick_first\.shuffleAddressList must be true or false/],
    [{ methodConfig: [{ name: [{ method: "M" }] }] }, /methodConfig\[0\]\.name\[0\]\.service must be set when method is/],
    [{ methodConfig: [{ name: [{ service: "a.S" }] }, { name: [{ service: "a.S" }] }] }, /a\.S is named twice/],
    [{ methodConfig: [{ name: [{}] }, { name: [{ service: "" }] }] }, /a second default method config/],
    [{ methodConfig: [{ timeout: "1m" }] }, /methodConfig\[0\]\.timeout must be a duration like "1\.5s", got "1m"/],
    [{ methodConfig: [{ timeout: 1 }] }, /timeout must be a duration/],
    [{ methodConfig: [{ maxRequestMessageBytes: -1 }] }, /maxRequestMessageBytes must be a uint32/],
    [{ methodConfig: [{ waitForReady: "true" }] }, /waitForReady must be true or false/],
    [{ methodConfig: [{ retryPolicy: { ...RETRY, maxAttempts: 1 } }] }, /retryPolicy\.maxAttempts must be an integer greater than 1, got 1/],
    [{ methodConfig: [{ retryPolicy: { ...RETRY, initialBackoff: "0s" } }] }, /retryPolicy\.initialBackoff must be a duration above 0s/],
    [{ methodConfig: [{ retryPolicy: { ...RETRY, maxBackoff: undefined } }] }, /retryPolicy\.maxBackoff must be a duration above 0s/],
    [{ methodConfig: [{ retryPolicy: { ...RETRY, backoffMultiplier: 0 } }] }, /backoffMultiplier must be a number above 0/],
    [{ methodConfig: [{ retryPolicy: { ...RETRY, retryableStatusCodes: [] } }] }, /retryableStatusCodes must be a non-empty list/],
    [{ methodConfig: [{ retryPolicy: { ...RETRY, retryableStatusCodes: ["UNAVAIL"] } }] }, /retryableStatusCodes\[0\] must be a status code other than OK/],
    [{ methodConfig: [{ retryPolicy: { ...RETRY, retryableStatusCodes: ["OK"] } }] }, /other than OK/],
    [{ methodConfig: [{ retryPolicy: RETRY, hedgingPolicy: { maxAttempts: 2 } }] }, /one of retryPolicy and hedgingPolicy/],
    [{ methodConfig: [{ hedgingPolicy: { maxAttempts: 2, nonFatalStatusCodes: [99] } }] }, /nonFatalStatusCodes\[0\] must be a status code/],
    [{ retryThrottling: { maxTokens: 1001, tokenRatio: 1 } }, /retryThrottling\.maxTokens must be a number in \(0, 1000\]/],
    [{ retryThrottling: { maxTokens: 10 } }, /retryThrottling\.tokenRatio must be a number above 0/],
    [{ healthCheckConfig: { serviceName: 1 } }, /healthCheckConfig\.serviceName must be a string/],
  ])("rejects %j with a TypeError naming the field", (json, message) => {
    expect(() => parseServiceConfig(json)).toThrow(TypeError);
    expect(() => parseServiceConfig(json)).toThrow(message);
  });
});
