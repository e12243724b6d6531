import { describe, expect, it } from "vitest";
import { PickFirstBalancer } from "../../../src/client/balancer/pick-first.js";
import { FakeHelper, ManualTimers, tcp } from "./fake-balancer-parts.js";

function start(...addresses: string[]): { helper: FakeHelper; timers: ManualTimers; balancer: PickFirstBalancer } {
  const helper = new FakeHelper();
  const timers = new ManualTimers();
  const balancer = new PickFirstBalancer(helper, timers);
  balancer.updateAddresses(tcp(...addresses), { shuffleAddressList: false });
  return { helper, timers, balancer };
}

describe("pick_first (gRFC A61, A62)", () => {
  it("dials the first address, picks it for every call once READY and shuts the others down", () => {
    const { helper } = start("10.0.0.1:1", "10.0.0.2:1");
    expect(helper.state).toBe("CONNECTING");
    expect(helper.picks(1)).toEqual([undefined]);
    expect(helper.created.map((s) => s.connectCalls)).toEqual([1, 0]);
    helper.subchannel("10.0.0.1:1").set("READY");
    expect(helper.state).toBe("READY");
    expect(helper.picks(3)).toEqual(["10.0.0.1:1", "10.0.0.1:1", "10.0.0.1:1"]);
    expect([...helper.removed].map((s) => s.name)).toEqual(["10.0.0.2:1"]);
  });

  it("starts the next address every 250 ms while earlier attempts still connect, and keeps whichever connects first", () => {
    const { helper, timers } = start("10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1");
    timers.advance(249);
    expect(helper.created.map((s) => s.connectCalls)).toEqual([1, 0, 0]);
    timers.advance(1);
    expect(helper.created.map((s) => s.connectCalls)).toEqual([1, 1, 0]);
    helper.subchannel("10.0.0.2:1").set("READY");
    expect(helper.picks(2)).toEqual(["10.0.0.2:1", "10.0.0.2:1"]);
    expect([...helper.removed].map((s) => s.name).sort()).toEqual(["10.0.0.1:1", "10.0.0.3:1"]);
    expect(timers.pending).toBe(0);
  });

  it("moves to the next address at once when an attempt fails", () => {
    const { helper } = start("10.0.0.1:1", "10.0.0.2:1");
    helper.subchannel("10.0.0.1:1").set("TRANSIENT_FAILURE");
    expect(helper.created.map((s) => s.connectCalls)).toEqual([1, 1]);
    expect(helper.state).toBe("CONNECTING");
  });

  it("interleaves IPv6 and IPv4 addresses, starting with the first address's family", () => {
    const { helper } = start("[::1]:1", "[::2]:1", "10.0.0.1:1", "10.0.0.2:1");
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const connecting = helper.created.find((s) => s.state === "CONNECTING")!;
      order.push(connecting.name);
      connecting.set("TRANSIENT_FAILURE");
    }
    expect(order).toEqual(["[::1]:1", "10.0.0.1:1", "[::2]:1", "10.0.0.2:1"]);
  });

  it("when every address failed: TRANSIENT_FAILURE with the last error, a re-resolution, reconnects as backoffs end, sticky until READY", () => {
    const { helper } = start("10.0.0.1:1", "10.0.0.2:1");
    helper.subchannel("10.0.0.1:1").set("TRANSIENT_FAILURE");
    helper.subchannel("10.0.0.2:1").set("TRANSIENT_FAILURE");
    expect(helper.state).toBe("TRANSIENT_FAILURE");
    expect(helper.error?.details).toBe("failed to connect to 10.0.0.2:1");
    expect(helper.resolutionRequests).toBe(1);
    const statesBefore = helper.states.length;
    helper.subchannel("10.0.0.2:1").set("IDLE"); // its backoff ended
    expect(helper.subchannel("10.0.0.2:1").state).toBe("CONNECTING");
    expect(helper.states.slice(statesBefore)).not.toContain("CONNECTING");
    helper.subchannel("10.0.0.2:1").set("READY");
    expect(helper.state).toBe("READY");
    expect(helper.picks(1)).toEqual(["10.0.0.2:1"]);
  });

  it("goes IDLE when its connection is lost, asks for re-resolution, and connects again on exitIdle", () => {
    const { helper, balancer } = start("10.0.0.1:1");
    helper.subchannel("10.0.0.1:1").set("READY");
    helper.subchannel("10.0.0.1:1").set("IDLE");
    expect(helper.state).toBe("IDLE");
    expect(helper.resolutionRequests).toBe(1);
    expect(helper.picks(1)).toEqual([undefined]);
    balancer.exitIdle();
    expect(helper.state).toBe("CONNECTING");
    expect(helper.subchannel("10.0.0.1:1").connectCalls).toBe(2);
  });

  it("keeps its connection when a new resolution still lists the address", () => {
    const { helper, balancer } = start("10.0.0.1:1", "10.0.0.2:1");
    helper.subchannel("10.0.0.1:1").set("READY");
    balancer.updateAddresses(tcp("10.0.0.3:1", "10.0.0.1:1"), {});
    expect(helper.state).toBe("READY");
    expect(helper.picks(1)).toEqual(["10.0.0.1:1"]);
    balancer.updateAddresses(tcp("10.0.0.3:1"), {});
    expect(helper.state).toBe("CONNECTING");
    expect(helper.removed.has(helper.created[0]!)).toBe(true);
  });

  it("reports TRANSIENT_FAILURE for an empty address list and asks the resolver again", () => {
    const { helper } = start();
    expect(helper.state).toBe("TRANSIENT_FAILURE");
    expect(helper.error?.details).toBe("the resolver returned no addresses");
    expect(helper.resolutionRequests).toBe(1);
  });

  it("close() removes every subchannel and stops the attempt timer", () => {
    const { helper, timers, balancer } = start("10.0.0.1:1", "10.0.0.2:1");
    balancer.close();
    expect(helper.removed.size).toBe(2);
    expect(timers.pending).toBe(0);
  });
});
