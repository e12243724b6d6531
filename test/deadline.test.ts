import { describe, expect, it } from "vitest";
import { armDeadline, CallSignal, cancelledBy, deadlineExceeded, MAX_TIMER_MS, resolveDeadline, systemTimers, type Timers } from "../src/deadline.js";
import { GrpcError } from "../src/grpc-error.js";
import { Status } from "../src/status.js";

/** A manual clock: timers fire only when `advance` moves time past them. */
class FakeTimers implements Timers {
  nowMs = 1_000_000;
  readonly pending = new Map<number, { at: number; callback: () => void; delayMs: number }>();
  #nextId = 1;

  now = (): number => this.nowMs;

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.#nextId++;
    this.pending.set(id, { at: this.nowMs + ms, callback, delayMs: ms });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  /** Moves the clock forward, firing due timers in order (bounded, in case of a runaway re-arm). */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (let fired = 0; fired < 1000; fired++) {
      const next = [...this.pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (next === undefined || next[1].at > target) break;
      this.pending.delete(next[0]);
      this.nowMs = next[1].at;
      next[1].callback();
    }
    this.nowMs = target;
  }
}

describe("resolveDeadline", () => {
  it("takes whichever of timeoutMs and deadline ends first", () => {
    expect(resolveDeadline({}, 1000)).toBeUndefined();
    expect(resolveDeadline({ timeoutMs: 50 }, 1000)).toBe(1050);
    expect(resolveDeadline({ deadline: 2000 }, 1000)).toBe(2000);
    expect(resolveDeadline({ deadline: new Date(1500) }, 1000)).toBe(1500);
    expect(resolveDeadline({ timeoutMs: 50, deadline: 1020 }, 1000)).toBe(1020);
    expect(resolveDeadline({ timeoutMs: 10, deadline: 2000 }, 1000)).toBe(1010);
  });

  it("treats a negative timeout as already expired", () => {
    expect(resolveDeadline({ timeoutMs: -5 }, 1000)).toBe(1000);
  });
});

describe("armDeadline", () => {
  it("fires once at the deadline, not before", () => {
    const timers = new FakeTimers();
    let fired = 0;
    armDeadline(timers.nowMs + 100, () => fired++, timers);
    timers.advance(99);
    expect(fired).toBe(0);
    timers.advance(1);
    expect(fired).toBe(1);
    timers.advance(10_000);
    expect(fired).toBe(1);
  });

  it("fires an already-passed deadline on a later macrotask, never synchronously", () => {
    const timers = new FakeTimers();
    let fired = 0;
    armDeadline(timers.nowMs - 5, () => fired++, timers);
    expect(fired).toBe(0);
    timers.advance(0);
    expect(fired).toBe(1);
  });

  it("clamps timers at 2^31-1 ms and re-arms until a far deadline really passes", () => {
    const timers = new FakeTimers();
    let fired = 0;
    const farMs = 3 * MAX_TIMER_MS + 7;
    armDeadline(timers.nowMs + farMs, () => fired++, timers);
    expect([...timers.pending.values()].map((timer) => timer.delayMs)).toEqual([MAX_TIMER_MS]);
    timers.advance(farMs - 1);
    expect(fired).toBe(0);
    timers.advance(1);
    expect(fired).toBe(1);
  });

  it("does not fire once disarmed, and leaves no timer behind", () => {
    const timers = new FakeTimers();
    let fired = 0;
    const disarm = armDeadline(timers.nowMs + 10, () => fired++, timers);
    disarm();
    disarm();
    expect(timers.pending.size).toBe(0);
    timers.advance(100);
    expect(fired).toBe(0);
  });

  it("uses unref'd system timers, so a pending deadline never holds the process open", () => {
    const handle = systemTimers.setTimeout(() => undefined, 60_000) as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    systemTimers.clearTimeout(handle);
  });
});

describe("CallSignal", () => {
  it("aborts with DEADLINE_EXCEEDED when the deadline passes", () => {
    const timers = new FakeTimers();
    const call = new CallSignal({ deadline: timers.nowMs + 20 }, timers);
    timers.advance(19);
    expect(call.signal.aborted).toBe(false);
    timers.advance(1);
    expect(call.signal.aborted).toBe(true);
    expect(call.signal.reason).toBeInstanceOf(GrpcError);
    expect(call.signal.reason).toMatchObject({ code: Status.DEADLINE_EXCEEDED, details: "deadline exceeded" });
  });

  it("aborts with CANCELLED when the parent signal aborts, keeping the parent's reason as cause", () => {
    const parent = new AbortController();
    const call = new CallSignal({ signal: parent.signal }, new FakeTimers());
    const reason = new Error("user gave up");
    parent.abort(reason);
    expect(call.signal.reason).toMatchObject({ code: Status.CANCELLED, details: "call cancelled", cause: reason });
  });

  it("passes on a parent's GrpcError reason unchanged", () => {
    const parent = new AbortController();
    const call = new CallSignal({ signal: parent.signal }, new FakeTimers());
    const reason = new GrpcError(Status.UNAVAILABLE, "server shutting down");
    parent.abort(reason);
    expect(call.signal.reason).toBe(reason);
  });

  it("starts aborted for an already-aborted parent, arming no timer", () => {
    const timers = new FakeTimers();
    const call = new CallSignal({ signal: AbortSignal.abort(), deadline: timers.nowMs + 5 }, timers);
    expect(call.signal.aborted).toBe(true);
    expect((call.signal.reason as GrpcError).code).toBe(Status.CANCELLED);
    expect(timers.pending.size).toBe(0);
  });

  it("keeps the first reason: a deadline after a cancel changes nothing", () => {
    const timers = new FakeTimers();
    const call = new CallSignal({ deadline: timers.nowMs + 5 }, timers);
    const first = new GrpcError(Status.CANCELLED, "client went away");
    call.abort(first);
    call.abort(new GrpcError(Status.INTERNAL, "later"));
    timers.advance(10);
    expect(call.signal.reason).toBe(first);
    expect(timers.pending.size).toBe(0);
  });

  it("detaches from the parent and the clock on dispose, without aborting", () => {
    const timers = new FakeTimers();
    const parent = new AbortController();
    const call = new CallSignal({ signal: parent.signal, deadline: timers.nowMs + 5 }, timers);
    call.dispose();
    parent.abort();
    timers.advance(10);
    expect(call.signal.aborted).toBe(false);
    expect(timers.pending.size).toBe(0);
  });

  it("leaves no listener on a long-lived parent after many disposed calls", () => {
    const parent = new AbortController();
    let listeners = 0;
    const add = parent.signal.addEventListener.bind(parent.signal);
    const remove = parent.signal.removeEventListener.bind(parent.signal);
    parent.signal.addEventListener = ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
    parent.signal.removeEventListener = ((...args: Parameters<typeof remove>) => (listeners--, remove(...args))) as typeof remove;
    for (let i = 0; i < 100; i++) new CallSignal({ signal: parent.signal }, new FakeTimers()).dispose();
    expect(listeners).toBe(0);
  });

  it("builds the standard errors", () => {
    expect(deadlineExceeded()).toMatchObject({ code: Status.DEADLINE_EXCEEDED });
    const grpc = new GrpcError(Status.ABORTED, "x");
    expect(cancelledBy(grpc)).toBe(grpc);
    expect(cancelledBy("why")).toMatchObject({ code: Status.CANCELLED, cause: "why" });
  });
});
