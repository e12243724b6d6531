import type { CallOptions } from "../call-options.js";
import type { MethodConfig } from "./method-config.js";

/**
 * The call's options under its method config (doc/service_config.md): the config's timeout caps
 * the call's own (the shorter wins, as in grpc-go), its waitForReady applies unless the call set
 * one. Without a config, `options` itself.
 */
export function withMethodConfig(options: CallOptions, config: MethodConfig | undefined): CallOptions {
  if (config === undefined) return options;
  const { timeoutMs, waitForReady } = config;
  if (timeoutMs === undefined && (waitForReady === undefined || options.waitForReady !== undefined)) return options;
  return {
    ...options,
    timeoutMs: timeoutMs === undefined || (options.timeoutMs !== undefined && options.timeoutMs < timeoutMs) ? options.timeoutMs : timeoutMs,
    waitForReady: options.waitForReady ?? waitForReady,
  };
}

/** The smaller of a channel's message limit and the method config's, which may only lower it. */
export function methodLimit(channelLimit: number, configLimit: number | undefined): number {
  return configLimit === undefined ? channelLimit : Math.min(channelLimit, configLimit);
}
