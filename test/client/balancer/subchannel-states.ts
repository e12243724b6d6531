// Waits on a channel's subchannels through their watch() events, never by polling.
import type { Channel } from "../../../src/client/client-options.js";
import type { ConnectivityState } from "../../../src/client/client-options.js";
import type { Subchannel } from "../../../src/client/balancer/load-balancer.js";

/** Resolves once `subchannel` is in `state` (at once if it is). */
export function subchannelState(subchannel: Subchannel, state: ConnectivityState): Promise<void> {
  if (subchannel.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const unwatch = subchannel.watch((now) => {
      if (now !== state) return;
      unwatch();
      resolve();
    });
  });
}

/** Resolves once the channel has `count` subchannels and every one is READY. */
export async function allSubchannelsReady(channel: Channel, count: number): Promise<void> {
  for (let round = 0; round < 100; round++) {
    const subchannels = channel.subchannels;
    if (subchannels.length === count && subchannels.every((s) => s.state === "READY")) return;
    const waiting = subchannels.find((s) => s.state !== "READY");
    if (waiting !== undefined) await subchannelState(waiting, "READY");
    else await channel.waitForStateChange(channel.state);
  }
  throw new Error(`the channel never had ${count} READY subchannels`);
}
