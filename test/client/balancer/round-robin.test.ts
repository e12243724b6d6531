import { describe, expect, it } from "vitest";
import { RoundRobinBalancer } from "../../../src/client/balancer/round-robin.js";
import { FakeHelper, tcp } from "./fake-balancer-parts.js";

function start(...addresses: string[]): { helper: FakeHelper; balancer: RoundRobinBalancer } {
  const helper = new FakeHelper();
  const balancer = new RoundRobinBalancer(helper, () => 0);
  balancer.updateAddresses(tcp(...addresses));
  return { helper, balancer };
}

describe("round_robin", () => {
  it("connects every address at once and hands the READY ones out in turn", () => {
    const { helper } = start("10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1");
    expect(helper.created.map((s) => s.connectCalls)).toEqual([1, 1, 1]);
    expect(helper.state).toBe("CONNECTING");
    helper.subchannel("10.0.0.1:1").set("READY");
    expect(helper.state).toBe("READY");
    expect(helper.picks(2)).toEqual(["10.0.0.1:1", "10.0.0.1:1"]);
    helper.subchannel("10.0.0.2:1").set("READY");
    helper.subchannel("10.0.0.3:1").set("READY");
    expect(helper.picks(6)).toEqual(["10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1", "10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1"]);
  });

  it("takes a backend that lost its connection out of turn, reconnects it at once and asks for re-resolution", () => {
    const { helper } = start("10.0.0.1:1", "10.0.0.2:1");
    helper.subchannel("10.0.0.1:1").set("READY");
    helper.subchannel("10.0.0.2:1").set("READY");
    helper.subchannel("10.0.0.2:1").set("IDLE");
    expect(helper.subchannel("10.0.0.2:1").connectCalls).toBe(2);
    expect(helper.resolutionRequests).toBe(1);
    expect(helper.picks(3)).toEqual(["10.0.0.1:1", "10.0.0.1:1", "10.0.0.1:1"]);
  });

  it("is TRANSIENT_FAILURE with the last error once every backend failed, and stays so while they reconnect, until one is READY", () => {
    const { helper } = start("10.0.0.1:1", "10.0.0.2:1");
    helper.subchannel("10.0.0.1:1").set("TRANSIENT_FAILURE");
    expect(helper.state).toBe("CONNECTING");
    helper.subchannel("10.0.0.2:1").set("TRANSIENT_FAILURE");
    expect(helper.state).toBe("TRANSIENT_FAILURE");
    expect(helper.error?.details).toBe("failed to connect to 10.0.0.2:1");
    helper.subchannel("10.0.0.1:1").set("IDLE"); // backoff over: reconnects
    expect(helper.subchannel("10.0.0.1:1").state).toBe("CONNECTING");
    expect(helper.state).toBe("TRANSIENT_FAILURE");
    helper.subchannel("10.0.0.1:1").set("READY");
    expect(helper.state).toBe("READY");
  });

  it("follows a new resolution: new addresses get subchannels, gone ones are removed, kept ones stay in turn", () => {
    const { helper, balancer } = start("10.0.0.1:1", "10.0.0.2:1");
    helper.subchannel("10.0.0.1:1").set("READY");
    helper.subchannel("10.0.0.2:1").set("READY");
    balancer.updateAddresses(tcp("10.0.0.2:1", "10.0.0.3:1"));
    expect([...helper.removed].map((s) => s.name)).toEqual(["10.0.0.1:1"]);
    expect(helper.created).toHaveLength(3);
    expect(helper.picks(2)).toEqual(["10.0.0.2:1", "10.0.0.2:1"]);
    helper.subchannel("10.0.0.3:1").set("READY");
    expect(new Set(helper.picks(4))).toEqual(new Set(["10.0.0.2:1", "10.0.0.3:1"]));
  });

  it("reports TRANSIENT_FAILURE for an empty address list", () => {
    const { helper } = start();
    expect(helper.state).toBe("TRANSIENT_FAILURE");
    expect(helper.error?.details).toBe("the resolver returned no addresses");
  });
});
