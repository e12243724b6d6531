import type { AnyMethodDefinition, ServiceDefinition } from "../definition.js";
import { applyInterceptors } from "../interceptor.js";
import type { CallOptions } from "./call-options.js";
import { ChannelImpl } from "./channel/channel.js";
import type { ClientContext } from "./call/client-context.js";
import type { ClientOptions } from "./client-options.js";
import { createBaseInvoke } from "./call/base-invoke.js";
import type { RequestSource, ServiceClient } from "./service-client.js";
import { readSingleResponse, StreamingCall } from "./call/call-object.js";
import { callUnary } from "./call/unary-call.js";
import { captureCallSite, withAwaitingCallerStack } from "./call/call-site.js";

// Channels a client made itself from `address`, which closeClient closes.
const ownedChannels = new WeakMap<object, ChannelImpl>();

/**
 * Creates a typed client with one lowerCamel method per RPC of `definition` (ARCHITECTURE.md §4),
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

// Each method captures its call site below itself, so an error's stack starts at the user's line.
function clientMethod(context: ClientContext, method: AnyMethodDefinition): unknown {
  switch (method.kind) {
    case "unary": {
      if (context.intercepted === undefined) {
        // No eager stack capture here (it cost a measurable share of a call, bench/README.md): the error is rethrown from this
        // async function instead, where V8's async stack trace still names the caller's line.
        const unary = async (request: unknown, options?: CallOptions): Promise<unknown> => {
          try {
            return await callUnary(context, method, request, options);
          } catch (error) {
            throw withAwaitingCallerStack(error, unary);
          }
        };
        return unary;
      }
      const intercepted = (request: unknown, options?: CallOptions): Promise<unknown> => {
        const callSite = captureCallSite(intercepted);
        return readSingleResponse(new StreamingCall(context, method, [request], options, callSite).incoming, callSite);
      };
      return intercepted;
    }
    case "server_streaming": {
      const serverStreaming = (request: unknown, options?: CallOptions): StreamingCall =>
        new StreamingCall(context, method, [request], options, captureCallSite(serverStreaming));
      return serverStreaming;
    }
    case "client_streaming": {
      const clientStreaming = (first?: RequestSource<unknown> | CallOptions, options?: CallOptions): StreamingCall | Promise<unknown> => {
        const callSite = captureCallSite(clientStreaming);
        if (!isRequestSource(first)) return new StreamingCall(context, method, undefined, first, callSite);
        return readSingleResponse(new StreamingCall(context, method, first, options, callSite).incoming, callSite);
      };
      return clientStreaming;
    }
    case "bidi_streaming": {
      const bidiStreaming = (first?: RequestSource<unknown> | CallOptions, options?: CallOptions): StreamingCall => {
        const callSite = captureCallSite(bidiStreaming);
        if (!isRequestSource(first)) return new StreamingCall(context, method, undefined, first, callSite);
        return new StreamingCall(context, method, first, options, callSite);
      };
      return bidiStreaming;
    }
  }
}

function isRequestSource(value: RequestSource<unknown> | CallOptions | undefined): value is RequestSource<unknown> {
  return typeof value === "object" && value !== null && (Symbol.iterator in value || Symbol.asyncIterator in value);
}
