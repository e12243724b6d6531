import { resolveDeadline } from "../../deadline.js";
import { GrpcError } from "../../grpc-error.js";
import { Status } from "../../status.js";
import type { CallCredentials } from "../credentials/call-credentials.js";
import type { CallOptions } from "../call-options.js";
import type { ChannelImpl } from "../channel/channel.js";
import type { ClientInvoke } from "../client-interceptor.js";

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

/**
 * The call's deadline in epoch ms, or undefined for none (an infinite one counts as none); throws
 * INVALID_ARGUMENT for a timeoutMs or deadline that is not a number, which no timer could honour.
 */
export function deadlineOf(options: CallOptions): number | undefined {
  if (options.timeoutMs === undefined && options.deadline === undefined) return undefined;
  const deadline = resolveDeadline(options, Date.now());
  if (deadline === undefined || deadline === Infinity) return undefined;
  if (Number.isNaN(deadline)) {
    throw new GrpcError(Status.INVALID_ARGUMENT, `invalid call deadline: timeoutMs ${String(options.timeoutMs)}, deadline ${String(options.deadline)}`);
  }
  return deadline;
}
