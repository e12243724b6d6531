import { loadBalancerFactory } from "../balancer/balancer-registry.js";
import { invalidConfig, readArray, readNumber, readObject, readString } from "./config-values.js";
import { MethodConfigTable } from "./method-config.js";

/**
 * A service config as grpc's service_config.proto writes it in JSON (doc/service_config.md): what a
 * channel's `serviceConfig` option or a DNS TXT record holds. Durations are strings ("0.1s"),
 * status codes names ("UNAVAILABLE").
 */
export interface ServiceConfig {
  /** The policies to use, best first: `[{ "round_robin": {} }]`; the first one h2grpc knows is used. */
  readonly loadBalancingConfig?: readonly { readonly [policy: string]: unknown }[];
  /** Deprecated form of loadBalancingConfig: "round_robin". */
  readonly loadBalancingPolicy?: string;
  readonly methodConfig?: readonly MethodConfigJson[];
  /** gRFC A6: stop retrying while most calls fail. */
  readonly retryThrottling?: { readonly maxTokens: number; readonly tokenRatio: number };
  /** gRFC A17: round_robin watches this service's health on every backend ("" for the server as a whole). */
  readonly healthCheckConfig?: { readonly serviceName?: string };
}

/** One methodConfig entry of a ServiceConfig. */
export interface MethodConfigJson {
  /** The calls it applies to: a service and method, a whole service, or `{}` for every call. */
  readonly name?: readonly { readonly service?: string; readonly method?: string }[];
  readonly waitForReady?: boolean;
  /** The longest a call may take ("1.5s"); a call's own shorter deadline wins. */
  readonly timeout?: string;
  readonly maxRequestMessageBytes?: number | string;
  readonly maxResponseMessageBytes?: number | string;
  readonly retryPolicy?: {
    readonly maxAttempts: number;
    readonly initialBackoff: string;
    readonly maxBackoff: string;
    readonly backoffMultiplier: number;
    readonly retryableStatusCodes: readonly (string | number)[];
  };
  readonly hedgingPolicy?: {
    readonly maxAttempts: number;
    readonly hedgingDelay?: string;
    readonly nonFatalStatusCodes?: readonly (string | number)[];
  };
}

/** gRFC A6 retryThrottling, validated: tokenRatio kept to three decimals. */
export interface RetryThrottling {
  readonly maxTokens: number;
  readonly tokenRatio: number;
}

/** The load-balancing policy a service config chose, with its own config as the policy parsed it. */
export interface LoadBalancingChoice {
  readonly policy: string;
  readonly config: unknown;
}

/** A service config read and validated. */
export interface ParsedServiceConfig {
  /** undefined: the config names no policy (the channel's `loadBalancingPolicy` option applies). */
  readonly loadBalancing: LoadBalancingChoice | undefined;
  readonly methods: MethodConfigTable;
  readonly retryThrottling: RetryThrottling | undefined;
  readonly healthCheckServiceName: string | undefined;
}

/**
 * Reads a service config from its JSON (an object, or its text) and validates all of it, retry and
 * hedging policies included. Throws TypeError naming the field that does not fit.
 */
export function parseServiceConfig(json: unknown): ParsedServiceConfig {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new TypeError(`invalid service config: not JSON (${(error as Error).message})`);
    }
  }
  const fields = readObject(value, "the service config");
  const healthCheck = fields["healthCheckConfig"];
  return {
    loadBalancing: readLoadBalancing(fields),
    methods: new MethodConfigTable(fields["methodConfig"]),
    retryThrottling: readRetryThrottling(fields["retryThrottling"]),
    healthCheckServiceName:
      healthCheck === undefined ? undefined : (readString(readObject(healthCheck, "healthCheckConfig")["serviceName"], "healthCheckConfig.serviceName") ?? ""),
  };
}

function readLoadBalancing(fields: Record<string, unknown>): LoadBalancingChoice | undefined {
  const choices = readArray(fields["loadBalancingConfig"], "loadBalancingConfig");
  const names: string[] = [];
  for (const [index, choice] of choices.entries()) {
    const path = `loadBalancingConfig[${index}]`;
    const entries = Object.entries(readObject(choice, path));
    if (entries.length !== 1) throw invalidConfig(path, "an object with exactly one policy name", choice);
    const [policy, config] = entries[0] as [string, unknown];
    names.push(policy);
    const factory = loadBalancerFactory(policy);
    if (factory === undefined) continue; // doc/service_config.md: skip the policies this client does not know
    try {
      return { policy, config: factory.parseConfig?.(config) ?? config };
    } catch (error) {
      throw new TypeError(`invalid service config: ${path}.${policy}: ${(error as Error).message}`, { cause: error });
    }
  }
  if (names.length > 0) {
    throw invalidConfig("loadBalancingConfig", "a list naming a known policy (pick_first, round_robin or one given to registerLoadBalancer)", names);
  }
  const deprecated = readString(fields["loadBalancingPolicy"], "loadBalancingPolicy");
  if (deprecated === undefined) return undefined;
  const policy = deprecated.toLowerCase(); // the enum's JSON name is ROUND_ROBIN
  if (loadBalancerFactory(policy) === undefined) throw invalidConfig("loadBalancingPolicy", "a known policy", deprecated);
  return { policy, config: {} };
}

// gRFC A6: maxTokens in (0, 1000], tokenRatio above 0 and kept to three decimal places.
function readRetryThrottling(value: unknown): RetryThrottling | undefined {
  if (value === undefined) return undefined;
  const fields = readObject(value, "retryThrottling");
  const maxTokens = readNumber(fields["maxTokens"], "retryThrottling.maxTokens", "a number in (0, 1000]", (n) => n > 0 && n <= 1000);
  const ratio = readNumber(fields["tokenRatio"], "retryThrottling.tokenRatio", "a number above 0", (n) => n > 0);
  if (maxTokens === undefined) throw invalidConfig("retryThrottling.maxTokens", "a number in (0, 1000]", undefined);
  if (ratio === undefined) throw invalidConfig("retryThrottling.tokenRatio", "a number above 0", undefined);
  return { maxTokens, tokenRatio: Math.max(0.001, Math.floor(ratio * 1000) / 1000) };
}
