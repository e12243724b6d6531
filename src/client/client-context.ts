import type { CallCredentials } from "./call-credentials.js";
import type { CallOptions } from "./call-options.js";
import type { ChannelImpl } from "./channel.js";
import type { ClientInvoke } from "./client-interceptor.js";

/** What every call of one client shares. */
export interface ClientContext {
  readonly channel: ChannelImpl;
  /** The interceptor onion around the base invoke; undefined when there are no interceptors (the fast path). */
  readonly intercepted: ClientInvoke | undefined;
  /** The base invoke, without interceptors. */
  readonly invoke: ClientInvoke;
  readonly callCredentials: CallCredentials | undefined;
  readonly defaultCallOptions: CallOptions | undefined;
}

/** The call's options over the client's defaults; metadata from both is combined. */
export function withDefaults(defaults: CallOptions | undefined, options: CallOptions | undefined): CallOptions {
  if (defaults === undefined) return options ?? {};
  if (options === undefined) return defaults;
  const merged: CallOptions = { ...defaults, ...options };
  if (defaults.metadata !== undefined && options.metadata !== undefined) {
    return { ...merged, metadata: defaults.metadata.clone().merge(options.metadata) };
  }
  return merged;
}
