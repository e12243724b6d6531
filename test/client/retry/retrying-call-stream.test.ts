import { describe, expect, it } from "vitest";
import { ReplayBuffer, RetryBufferBudget } from "../../../src/client/retry/replay-buffer.js";
import { RetryingCallStream, type CallRetryPolicy } from "../../../src/client/retry/retrying-call-stream.js";
import { RetryThrottle } from "../../../src/client/retry/retry-throttle.js";
import { GrpcError } from "../../../src/grpc-error.js";
import { Status } from "../../../src/status.js";
import { ManualTimers } from "../balancer/fake-balancer-parts.js";
import { CallRecord, FakeAttempt, frame } from "./fake-attempts.js";

const RETRY: CallRetryPolicy = {
  kind: "retry",
  policy: { maxAttempts: 4, initialBackoffMs: 100, maxBackoffMs: 250, backoffMultiplier: 2, retryableStatusCodes: new Set([Status.UNAVAILABLE]) },
};
const HEDGING: CallRetryPolicy = {
  kind: "hedging",
  policy: { maxAttempts: 3, hedgingDelayMs: 50, nonFatalStatusCodes: new Set([Status.UNAVAILABLE]) },
};

function start(
  retry: CallRetryPolicy,
  options: { throttle?: RetryThrottle; limitBytes?: number; open?: (previous: number) => GrpcError | undefined; random?: () => number } = {},
) {
  const timers = new ManualTimers();
  const attempts: FakeAttempt[] = [];
  const call = new CallRecord();
  const stream = new RetryingCallStream(
    {
      retry,
      throttle: options.throttle,
      buffer: new ReplayBuffer(new RetryBufferBudget(1 << 20), options.limitBytes ?? 1024),
      open: (previousAttempts, listener) => {
        const failure = options.open?.(previousAttempts);
        if (failure !== undefined) return failure;
        const attempt = new FakeAttempt(previousAttempts, listener);
        attempts.push(attempt);
        return attempt;
      },
      timers,
      random: options.random ?? (() => 1),
    },
    call,
  );
  return { stream, attempts, call, timers };
}

describe("retries (gRFC A6 retryPolicy)", () => {
  it("retries a retryable status after a growing randomized backoff, replaying every frame and the half-close, with the attempt count in each", () => {
    const { stream, attempts, call, timers } = start(RETRY);
    stream.sendFrame(frame("a"), false);
    stream.sendFrame(frame("b"), true);
    attempts[0]!.end(Status.UNAVAILABLE);
    timers.advance(99);
    expect(attempts).toHaveLength(1);
    timers.advance(1); // random(0, 100 ms): the random source says the top of the range
    expect(attempts).toHaveLength(2);
    attempts[1]!.end(Status.UNAVAILABLE);
    timers.advance(199);
    expect(attempts).toHaveLength(2);
    timers.advance(1); // random(0, 200 ms)
    attempts[2]!.headers();
    attempts[2]!.frame("reply");
    attempts[2]!.end();
    expect(attempts.map((a) => [a.previousAttempts, a.frames, a.isHalfClosed])).toEqual([
      [0, ["a", "b"], true],
      [1, ["a", "b"], true],
      [2, ["a", "b"], true],
    ]);
    expect(call.events).toEqual(["headers from attempt 2", "frame reply", "end OK"]);
    expect(stream.attemptCount).toBe(3);
  });

  it("replays a batch of several messages to the next attempt as one write of as many messages", () => {
    const { stream, attempts, timers } = start(RETRY);
    stream.sendFrame(frame("abc"), false, 3);
    stream.sendFrame(frame("d"), false);
    attempts[0]!.end(Status.UNAVAILABLE);
    timers.advance(100);
    expect(attempts.map((a) => [a.frames, a.messageCounts])).toEqual([
      [["abc", "d"], [3, 1]],
      [["abc", "d"], [3, 1]],
    ]);
  });

  it("caps the backoff at maxBackoff and picks each delay at random below it", () => {
    const { attempts, timers } = start(RETRY, { random: () => 0.5 });
    attempts[0]!.end(Status.UNAVAILABLE);
    timers.advance(50);
    attempts[1]!.end(Status.UNAVAILABLE);
    timers.advance(100);
    attempts[2]!.end(Status.UNAVAILABLE);
    timers.advance(124);
    expect(attempts).toHaveLength(3);
    timers.advance(1); // min(400, 250) / 2
    expect(attempts).toHaveLength(4);
  });

  it("gives up after maxAttempts with the last attempt's status", () => {
    const { attempts, call, timers } = start(RETRY);
    for (let i = 0; i < 4; i++) {
      attempts[i]!.end(Status.UNAVAILABLE);
      timers.advance(1000);
    }
    expect(attempts).toHaveLength(4);
    expect(call.events).toEqual(["end [UNAVAILABLE] attempt 3 failed"]);
  });

  it("does not retry a status outside retryableStatusCodes", () => {
    const { attempts, call, timers } = start(RETRY);
    attempts[0]!.end(Status.INVALID_ARGUMENT);
    timers.advance(1000);
    expect(attempts).toHaveLength(1);
    expect(call.events).toEqual(["end [INVALID_ARGUMENT] attempt 0 failed"]);
  });

  it("commits on the first response headers: a later failure is the call's", () => {
    const { attempts, call, timers } = start(RETRY);
    attempts[0]!.headers();
    attempts[0]!.end(Status.UNAVAILABLE);
    timers.advance(1000);
    expect(attempts).toHaveLength(1);
    expect(call.events).toEqual(["headers from attempt 0", "end [UNAVAILABLE] attempt 0 failed"]);
  });

  it("waits exactly the server's pushback, then starts the backoff over; negative pushback means no retry", () => {
    const { attempts, timers, call } = start(RETRY);
    attempts[0]!.end(Status.UNAVAILABLE);
    timers.advance(100);
    attempts[1]!.end(Status.UNAVAILABLE, { pushbackMs: 500 });
    timers.advance(499);
    expect(attempts).toHaveLength(2);
    timers.advance(1);
    attempts[2]!.end(Status.UNAVAILABLE);
    timers.advance(100); // the backoff is back at initialBackoff
    expect(attempts).toHaveLength(4);
    attempts[3]!.end(Status.UNAVAILABLE, { pushbackMs: -1 });
    expect(call.events).toEqual(["end [UNAVAILABLE] attempt 3 failed"]);
  });

  it("sends an attempt the server never processed again at once, once, under the same count", () => {
    const { stream, attempts, call, timers } = start(RETRY);
    stream.sendFrame(frame("req"), true);
    attempts[0]!.end(Status.UNAVAILABLE, { isUnprocessed: true });
    expect(attempts.map((a) => [a.previousAttempts, a.frames])).toEqual([
      [0, ["req"]],
      [0, ["req"]],
    ]);
    attempts[1]!.end(Status.UNAVAILABLE, { isUnprocessed: true });
    expect(attempts).toHaveLength(2); // the second time the policy decides
    timers.advance(100);
    expect(attempts.map((a) => a.previousAttempts)).toEqual([0, 0, 1]);
    attempts[2]!.end();
    expect(call.ends[0]!.isUnprocessed).toBe(false);
  });

  it("stops retrying while throttled: failures take tokens, successes give tokenRatio back", () => {
    const throttle = new RetryThrottle({ maxTokens: 4, tokenRatio: 0.5 });
    const first = start(RETRY, { throttle });
    first.attempts[0]!.end(Status.UNAVAILABLE); // 3 tokens: above 2, retried
    first.timers.advance(100);
    first.attempts[1]!.end(Status.UNAVAILABLE); // 2 tokens: not above half, given up
    expect(first.attempts).toHaveLength(2);
    expect(first.call.events).toEqual(["end [UNAVAILABLE] attempt 1 failed"]);
    const second = start(RETRY, { throttle });
    second.attempts[0]!.end(); // 2.5 tokens
    expect(throttle.tokens).toBe(2.5);
    const third = start(RETRY, { throttle });
    third.attempts[0]!.end(Status.INVALID_ARGUMENT); // not a retryable status: no token taken
    expect(throttle.tokens).toBe(2.5);
  });

  it("commits to the current attempt when the request outgrows the per-call buffer", () => {
    const { stream, attempts, call, timers } = start(RETRY, { limitBytes: 3 });
    stream.sendFrame(frame("ab"), false);
    stream.sendFrame(frame("cd"), true); // 4 bytes: more than the buffer holds
    attempts[0]!.end(Status.UNAVAILABLE);
    timers.advance(1000);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.frames).toEqual(["ab", "cd"]);
    expect(call.events).toEqual(["end [UNAVAILABLE] attempt 0 failed"]);
  });

  it("counts an attempt that got no connection as a failed one", () => {
    const { attempts, call, timers } = start(RETRY, { open: (previous) => (previous === 0 ? new GrpcError(Status.UNAVAILABLE, "no connection") : undefined) });
    expect(attempts).toHaveLength(0);
    timers.advance(100);
    attempts[0]!.end();
    expect(attempts[0]!.previousAttempts).toBe(1);
    expect(call.events).toEqual(["end OK"]);
  });

  it("replays what was written while an attempt waited for its connection, and applies a pause", async () => {
    const timers = new ManualTimers();
    const call = new CallRecord();
    let opened!: FakeAttempt;
    let connect!: () => void;
    const stream = new RetryingCallStream(
      {
        retry: RETRY,
        throttle: undefined,
        buffer: new ReplayBuffer(new RetryBufferBudget(1 << 20), 1024),
        open: (previousAttempts, listener) =>
          new Promise((resolve) => {
            connect = () => resolve((opened = new FakeAttempt(previousAttempts, listener)));
          }),
        timers,
      },
      call,
    );
    stream.sendFrame(frame("a"), false);
    stream.pauseReceiving();
    stream.closeSend();
    connect();
    await Promise.resolve();
    expect([opened.frames, opened.isHalfClosed, opened.isPaused]).toEqual([["a"], true, true]);
  });

  it("cancel() cancels the running attempt and any pending retry, and reports nothing", () => {
    const { stream, attempts, call, timers } = start(RETRY);
    attempts[0]!.end(Status.UNAVAILABLE);
    stream.cancel();
    timers.advance(1000);
    expect(attempts).toHaveLength(1);
    const running = start(RETRY);
    running.stream.cancel();
    expect(running.attempts[0]!.isCancelled).toBe(true);
    expect([call.events, running.call.events]).toEqual([[], []]);
  });
});

describe("hedging (gRFC A6 hedgingPolicy)", () => {
  it("sends a copy every hedgingDelay; the first to answer wins and the others are cancelled", () => {
    const { stream, attempts, call, timers } = start(HEDGING);
    stream.sendFrame(frame("req"), true);
    timers.advance(50);
    expect(attempts.map((a) => a.previousAttempts)).toEqual([0, 1]);
    expect(attempts[1]!.frames).toEqual(["req"]);
    attempts[1]!.headers();
    attempts[1]!.frame("reply");
    attempts[1]!.end();
    timers.advance(1000);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.isCancelled).toBe(true);
    expect(call.events).toEqual(["headers from attempt 1", "frame reply", "end OK"]);
  });

  it("sends the next copy at once after a non-fatal failure; all failing reports the last status", () => {
    const { attempts, call, timers } = start(HEDGING);
    attempts[0]!.end(Status.UNAVAILABLE);
    expect(attempts).toHaveLength(2);
    timers.advance(50);
    expect(attempts).toHaveLength(3); // maxAttempts
    attempts[1]!.end(Status.UNAVAILABLE);
    expect(call.events).toEqual([]);
    attempts[2]!.end(Status.UNAVAILABLE);
    expect(call.events).toEqual(["end [UNAVAILABLE] attempt 2 failed"]);
  });

  it("a fatal status ends the call and cancels the other copies", () => {
    const { attempts, call, timers } = start(HEDGING);
    timers.advance(50);
    attempts[0]!.end(Status.PERMISSION_DENIED);
    expect(attempts[1]!.isCancelled).toBe(true);
    timers.advance(1000);
    expect(attempts).toHaveLength(2);
    expect(call.events).toEqual(["end [PERMISSION_DENIED] attempt 0 failed"]);
  });

  it("pushback delays the next copy; negative pushback stops hedging", () => {
    const { attempts, call, timers } = start(HEDGING);
    attempts[0]!.end(Status.UNAVAILABLE, { pushbackMs: 200 });
    timers.advance(199);
    expect(attempts).toHaveLength(1);
    timers.advance(1);
    expect(attempts).toHaveLength(2);
    attempts[1]!.end(Status.UNAVAILABLE, { pushbackMs: -1 });
    timers.advance(1000);
    expect(attempts).toHaveLength(2);
    expect(call.events).toEqual(["end [UNAVAILABLE] attempt 1 failed"]);
  });

  it("sends no copies while throttled", () => {
    const throttle = new RetryThrottle({ maxTokens: 2, tokenRatio: 1 });
    throttle.recordFailure();
    const { attempts, call, timers } = start(HEDGING, { throttle });
    timers.advance(1000);
    expect(attempts).toHaveLength(1);
    attempts[0]!.end();
    expect(call.events).toEqual(["end OK"]);
  });
});

