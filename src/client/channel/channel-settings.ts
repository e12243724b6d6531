import { loadBalancerFactory } from "../balancer/balancer-registry.js";
import type { ChannelOptions } from "../client-options.js";
import { DEFAULT_MIN_RESOLUTION_INTERVAL_MS } from "../resolver/dns-resolver.js";
import { isRegisteredScheme, resolverFactory } from "../resolver/resolver-registry.js";
import { parseServiceConfig } from "../service-config/service-config.js";
import type { BalancingSettings } from "./resolving-balancer.js";
import { invalidTarget, parseTargetUri } from "./target.js";

/**
 * Reads what createChannel needs to resolve and balance `target` from `options`, checking all of it
 * up front: throws TypeError for a malformed target, an invalid service config or an unknown
 * policy, RangeError for a negative minResolutionIntervalMs.
 */
export function balancingSettings(target: string, options: ChannelOptions): BalancingSettings {
  const uri = parseTargetUri(target, isRegisteredScheme);
  const factory = resolverFactory(uri.scheme);
  if (factory === undefined) throw invalidTarget(target, `no resolver for "${uri.scheme}:"`);
  factory.validate?.(uri);
  const defaultPolicy = options.loadBalancingPolicy ?? "pick_first";
  if (loadBalancerFactory(defaultPolicy) === undefined) {
    throw new TypeError(`unknown loadBalancingPolicy ${JSON.stringify(defaultPolicy)}: use "pick_first", "round_robin" or one given to registerLoadBalancer`);
  }
  const minResolutionIntervalMs = options.minResolutionIntervalMs ?? DEFAULT_MIN_RESOLUTION_INTERVAL_MS;
  if (!(minResolutionIntervalMs >= 0)) throw new RangeError(`minResolutionIntervalMs must be 0 or more, got ${String(minResolutionIntervalMs)}`);
  return {
    target: uri,
    resolverFactory: factory,
    resolverOptions: { minResolutionIntervalMs, isServiceConfigLookupEnabled: options.serviceConfigFromDns === true },
    defaultServiceConfig: options.serviceConfig === undefined ? undefined : parseServiceConfig(options.serviceConfig),
    defaultPolicy,
  };
}
