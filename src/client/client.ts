import type { AnyMethodDefinition, ServiceDefinition } from "../definition.js";
import { applyInterceptors } from "../interceptor.js";
import type { CallOptions } from "./call-options.js";
import { ChannelImpl } from "./channel.js";
import type { ClientContext } from "./client-context.js";
import type { ClientOptions } from "./client-options.js";
import { createBaseInvoke } from "./invoke.js";
import type { RequestSource, ServiceClient } from "./service-client.js";
import { readSingleResponse, StreamingCall } from "./streaming-call.js";
import { callUnary } from "./unary-call.js";

// Channels a client made itself from `address`, which closeClient closes.
const ownedChannels = new WeakMap<object, ChannelImpl>();

/**
 * Creates a typed client with one lowerCamel method per RPC of `definition` (STYLE.md §4, §7),
 * on `options.channel` or on a new channel to `options.address`. Throws TypeError for a malformed
 * address or a channel not made by createChannel.
 */
export function createClient<D extends ServiceDefinition>(definition: D, options: ClientOptions): ServiceClient<D> {
  let channel: ChannelImpl;
  if (options.channel !== undefined) {
    if (!(options.channel instanceof ChannelImpl)) throw new TypeError("createClient: options.channel must come from createChannel()");
    channel = options.channel;
  } else {
    channel = new ChannelImpl(options.address, options);
  }
  const invoke = createBaseInvoke(channel, options.callCredentials);
  const interceptors = options.interceptors ?? [];
  const context: ClientContext = {
    channel,
    invoke,
    intercepted: interceptors.length === 0 ? undefined : applyInterceptors(invoke, interceptors),
    callCredentials: options.callCredentials,
    defaultCallOptions: options.defaultCallOptions,
  };
  const client: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(definition.methods)) client[name] = clientMethod(context, method);
  if (options.channel === undefined) ownedChannels.set(client, channel);
  return client as ServiceClient<D>;
}

/** Closes the channel `client` created from its `address` (cancelling its calls); a shared channel is left open. */
export function closeClient(client: object): void {
  ownedChannels.get(client)?.close();
}

function clientMethod(context: ClientContext, method: AnyMethodDefinition): unknown {
  switch (method.kind) {
    case "unary":
      if (context.intercepted === undefined) {
        return (request: unknown, options?: CallOptions) => callUnary(context, method, request, options);
      }
      return (request: unknown, options?: CallOptions) => {
        const callSite = new Error();
        return readSingleResponse(new StreamingCall(context, method, [request], options, callSite).incoming, callSite);
      };
    case "server_streaming":
      return (request: unknown, options?: CallOptions) => new StreamingCall(context, method, [request], options, new Error());
    case "client_streaming":
      return (first?: RequestSource<unknown> | CallOptions, options?: CallOptions) => {
        const callSite = new Error();
        if (!isRequestSource(first)) return new StreamingCall(context, method, undefined, first, callSite);
        return readSingleResponse(new StreamingCall(context, method, first, options, callSite).incoming, callSite);
      };
    case "bidi_streaming":
      return (first?: RequestSource<unknown> | CallOptions, options?: CallOptions) => {
        const callSite = new Error();
        if (!isRequestSource(first)) return new StreamingCall(context, method, undefined, first, callSite);
        return new StreamingCall(context, method, first, options, callSite);
      };
  }
}

function isRequestSource(value: RequestSource<unknown> | CallOptions | undefined): value is RequestSource<unknown> {
  return typeof value === "object" && value !== null && (Symbol.iterator in value || Symbol.asyncIterator in value);
}
