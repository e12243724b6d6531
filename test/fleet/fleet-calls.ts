// Calls against a fleet and what they tell about it: which replica answered each call.
import { createClient } from "../../src/client/client.js";
import type { Channel } from "../../src/client/client-options.js";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { Echo } from "../helpers/echo.js";

/** How many of `count` sequential unary calls each replica (by host) answered. */
export async function tally(channel: Channel, count: number, options: { waitForReady?: boolean } = {}): Promise<Record<string, number>> {
  const client = createClient(Echo, { channel });
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const { message } = await client.unary({}, { timeoutMs: 20_000, ...options });
    counts[message] = (counts[message] ?? 0) + 1;
  }
  return counts;
}

/**
 * Makes calls one after another until `isDone(host)` holds for the host that answered, for at most
 * `limitMs`; returns the hosts in order. For waiting on the channel to follow a change that no
 * event announces (a re-resolution after a GOAWAY): each call is the next step, nothing sleeps.
 * A call that fails UNAVAILABLE (sent to a replica as it went away) is a step too.
 */
export async function callUntil(channel: Channel, isDone: (host: string) => boolean, limitMs = 30_000): Promise<string[]> {
  const client = createClient(Echo, { channel });
  const hosts: string[] = [];
  const giveUpAt = Date.now() + limitMs;
  while (Date.now() < giveUpAt) {
    let message: string;
    try {
      ({ message } = await client.unary({}, { timeoutMs: 20_000, waitForReady: true }));
    } catch (error) {
      if (error instanceof GrpcError && error.code === Status.UNAVAILABLE) continue;
      throw error;
    }
    hosts.push(message);
    if (isDone(message)) return hosts;
  }
  throw new Error(`no call satisfied the condition within ${limitMs} ms; hosts: ${[...new Set(hosts)].join(", ")}`);
}
