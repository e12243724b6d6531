import type { LoadBalancerFactory } from "./load-balancer.js";
import { pickFirstFactory } from "./pick-first.js";
import { roundRobinFactory } from "./round-robin.js";

const factories = new Map<string, LoadBalancerFactory>([
  ["pick_first", pickFirstFactory],
  ["round_robin", roundRobinFactory],
]);

/**
 * Makes `name` usable in a service config's loadBalancingConfig and in the `loadBalancingPolicy`
 * option, for every channel created afterwards; a second registration of a name replaces the first.
 * Throws TypeError for a name that is not lower-case letters, digits, "_", "." and "-".
 */
export function registerLoadBalancer(name: string, factory: LoadBalancerFactory): void {
  if (!/^[a-z][a-z0-9_.-]*$/.test(name)) throw new TypeError(`registerLoadBalancer: invalid policy name ${JSON.stringify(name)}`);
  if (typeof factory?.create !== "function") throw new TypeError("registerLoadBalancer: the factory needs a create(helper) method");
  factories.set(name, factory);
}

/** The factory registered as `name`, or undefined. */
export function loadBalancerFactory(name: string): LoadBalancerFactory | undefined {
  return factories.get(name);
}
