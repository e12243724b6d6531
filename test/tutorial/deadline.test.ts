// The deadline lesson: FirstRpc for the name "slow" works 4 s but honours ctx.signal, so a
// client deadline ends the call with DEADLINE_EXCEEDED and the handler stops working at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GrpcError } from "../../src/grpc-error.js";
import { Status } from "../../src/status.js";
import { closeClient, createClient } from "../../src/index.js";
import { deadlineLesson } from "../../examples/tutorial/lessons/deadline.js";
import { loadTutorialServices } from "../../examples/tutorial/tutorial-services.js";
import { startTutorialForTest, type TutorialFixture } from "./tutorial-fixture.js";

const services = loadTutorialServices();

describe("deadline lesson", () => {
  let fixture: TutorialFixture;
  beforeAll(async () => {
    fixture = await startTutorialForTest();
  });
  afterAll(async () => {
    await fixture?.tutorial.close();
  });

  it("ends a slow FirstRpc with DEADLINE_EXCEEDED and the handler stops its work when the signal aborts", async () => {
    const client = createClient(services.test, { address: fixture.tutorial.address });
    try {
      const started = performance.now();
      const error = await client.firstRpc({ name: "slow", id: 7 }, { timeoutMs: 300 }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(GrpcError);
      expect((error as GrpcError).code).toBe(Status.DEADLINE_EXCEEDED);
      const stopped = await fixture.waitForLog(/^FirstRpc: stopped working for "slow"/);
      // Usually the server's own deadline timer fires first; when the client's RST_STREAM (sent at
      // its deadline) wins the race, the signal's reason is CANCELLED. Either way the work stops.
      expect(stopped).toMatch(/\[(DEADLINE_EXCEEDED|CANCELLED)\]/);
      // The work would take 4 s; it stopped near the 300 ms deadline instead.
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      closeClient(client);
    }
  });

  it("answers a fast FirstRpc well within the same deadline", async () => {
    const client = createClient(services.test, { address: fixture.tutorial.address });
    try {
      expect(await client.firstRpc({ name: "gsh", id: 1 }, { timeoutMs: 3_000 })).toEqual({ status: "200", value: "Hello gsh, id 1" });
    } finally {
      closeClient(client);
    }
  });

  it("the deadline lesson prints FirstRpc timeout! against the 4 s work with its 3 s deadline", async () => {
    const lines: string[] = [];
    await deadlineLesson({ address: fixture.tutorial.address, print: (line) => lines.push(line) });
    expect(lines).toEqual([expect.stringMatching(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d FirstRpc timeout!$/)]);
  }, 10_000);
});
