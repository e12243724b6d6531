// grpc.health.v1 handlers called directly (grpc-go health/server_internal_test.go's cases).
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { GrpcError } from "../../src/grpc-error.js";
import { createHealthService, type HealthCheckResponse } from "../../src/services/health.js";
import { Status } from "../../src/status.js";
import { fakeContext } from "./fake-context.js";

function check(health: ReturnType<typeof createHealthService>, service: string): unknown {
  return health.implementation.check?.({ service }, fakeContext().context);
}

function watch(health: ReturnType<typeof createHealthService>, service: string) {
  const { context, cancel } = fakeContext();
  const responses = health.implementation.watch?.({ service }, context) as AsyncIterable<HealthCheckResponse>;
  return { iterator: responses[Symbol.asyncIterator](), cancel, signal: context.signal };
}

describe("health Check", () => {
  it("reports the whole server ('') as SERVING from the start, as grpc-go", () => {
    expect(check(createHealthService(), "")).toEqual({ status: "SERVING" });
  });

  it("answers NOT_FOUND for a service without a status", () => {
    const error = (() => {
      try {
        check(createHealthService(), "pkg.Missing");
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GrpcError);
    expect((error as GrpcError).code).toBe(Status.NOT_FOUND);
    expect((error as GrpcError).details).toContain("pkg.Missing");
  });

  it("reports the status last set for a service", () => {
    const health = createHealthService();
    health.setStatus("pkg.Svc", "NOT_SERVING");
    health.setStatus("pkg.Svc", "SERVING");
    expect(check(health, "pkg.Svc")).toEqual({ status: "SERVING" });
    expect(health.getStatus("pkg.Svc")).toBe("SERVING");
  });

  it("rejects a status that is not a serving status with TypeError", () => {
    const health = createHealthService();
    expect(() => health.setStatus("pkg.Svc", "SERVICE_UNKNOWN" as never)).toThrow(TypeError);
    expect(() => health.setStatus("pkg.Svc", "BOGUS" as never)).toThrow(TypeError);
  });
});

describe("health shutdown and resume", () => {
  it("shutdown sets every status NOT_SERVING and ignores setStatus until resume sets them SERVING", () => {
    const health = createHealthService();
    health.setStatus("a.A", "SERVING");
    health.setStatus("b.B", "UNKNOWN");
    health.shutdown();
    expect([health.getStatus(""), health.getStatus("a.A"), health.getStatus("b.B")]).toEqual(["NOT_SERVING", "NOT_SERVING", "NOT_SERVING"]);
    health.setStatus("a.A", "SERVING");
    expect(health.getStatus("a.A")).toBe("NOT_SERVING");
    health.resume();
    expect([health.getStatus(""), health.getStatus("a.A"), health.getStatus("b.B")]).toEqual(["SERVING", "SERVING", "SERVING"]);
    health.setStatus("a.A", "NOT_SERVING");
    expect(health.getStatus("a.A")).toBe("NOT_SERVING");
  });
});

describe("health List", () => {
  it("lists every service with its status", () => {
    const health = createHealthService();
    health.setStatus("a.A", "NOT_SERVING");
    const listed = health.implementation.list?.({}, fakeContext().context);
    expect(listed).toEqual({ statuses: { "": { status: "SERVING" }, "a.A": { status: "NOT_SERVING" } } });
  });

  it("answers RESOURCE_EXHAUSTED past 100 services, as grpc-go", () => {
    const health = createHealthService();
    for (let index = 0; index < 100; index++) health.setStatus(`svc.S${index}`, "SERVING");
    expect(() => health.implementation.list?.({}, fakeContext().context)).toThrow(
      expect.objectContaining({ code: Status.RESOURCE_EXHAUSTED }),
    );
  });
});

describe("health Watch", () => {
  it("sends the current status, then every change, skipping repeats", async () => {
    const health = createHealthService();
    health.setStatus("pkg.Svc", "SERVING");
    const { iterator, cancel } = watch(health, "pkg.Svc");
    expect((await iterator.next()).value).toEqual({ status: "SERVING" });
    const next = iterator.next();
    health.setStatus("pkg.Svc", "SERVING"); // a repeat: not sent
    health.setStatus("pkg.Svc", "NOT_SERVING");
    expect((await next).value).toEqual({ status: "NOT_SERVING" });
    cancel();
    await expect(iterator.next()).rejects.toMatchObject({ code: Status.CANCELLED });
  });

  it("streams SERVICE_UNKNOWN for an unknown service until it gets a status", async () => {
    const health = createHealthService();
    const { iterator, cancel } = watch(health, "pkg.Later");
    expect((await iterator.next()).value).toEqual({ status: "SERVICE_UNKNOWN" });
    const next = iterator.next();
    health.setStatus("pkg.Later", "SERVING");
    expect((await next).value).toEqual({ status: "SERVING" });
    cancel();
    await expect(iterator.next()).rejects.toMatchObject({ code: Status.CANCELLED });
  });

  it("sends only the newest status to a watcher that has not read the previous one", async () => {
    const health = createHealthService();
    const { iterator, cancel } = watch(health, "");
    expect((await iterator.next()).value).toEqual({ status: "SERVING" });
    health.setStatus("", "NOT_SERVING");
    health.setStatus("", "UNKNOWN");
    expect((await iterator.next()).value).toEqual({ status: "UNKNOWN" });
    cancel();
  });

  it("tells watchers of NOT_SERVING on shutdown", async () => {
    const health = createHealthService();
    const watchers = [watch(health, ""), watch(health, "")];
    for (const { iterator } of watchers) expect((await iterator.next()).value).toEqual({ status: "SERVING" });
    health.shutdown();
    for (const { iterator } of watchers) expect((await iterator.next()).value).toEqual({ status: "NOT_SERVING" });
    for (const { cancel } of watchers) cancel();
  });

  it("ends a waiting watch when its signal aborts and leaves no listener behind", async () => {
    const health = createHealthService();
    const watches = Array.from({ length: 50 }, () => watch(health, "pkg.Svc"));
    for (const { iterator } of watches) await iterator.next();
    const pending = watches.map(({ iterator }) => iterator.next());
    for (const { signal } of watches) expect(getEventListeners(signal, "abort")).toHaveLength(1);
    for (const { cancel } of watches) cancel();
    const settled = await Promise.allSettled(pending);
    expect(settled.every((result) => result.status === "rejected")).toBe(true);
    for (const { signal } of watches) expect(getEventListeners(signal, "abort")).toHaveLength(0);
    // A later change reaches no ended watch: each iterator is done.
    health.setStatus("pkg.Svc", "SERVING");
    for (const { iterator } of watches) expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });
});
