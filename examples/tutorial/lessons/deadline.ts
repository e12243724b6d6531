// Lesson 5, deadlines: FirstRpc for the name "slow" takes the server 4 s; the client allows 3 s
// (the Go client's context.WithDeadline), so the call ends with DEADLINE_EXCEEDED and the Go
// client prints "FirstRpc timeout!". The server's handler sees its signal abort at 3 s too, and stops.
import { GrpcError, Status, closeClient, createClient, loadService } from "h2grpc";
import type { testDefinition } from "../../../protos/gen/tutorial/test.js";
import { protosDir } from "../tutorial-paths.js";
import { goLog, quoted, type LessonOptions } from "./lesson.js";

/** The client's deadline in this lesson, as in the tutorial. */
export const DEADLINE_LESSON_TIMEOUT_MS = 3_000;

/**
 * Runs the deadline lesson: prints "FirstRpc timeout!" when the call ends with DEADLINE_EXCEEDED
 * (the outcome the lesson teaches); rejects with any other GrpcError.
 */
export async function deadlineLesson({ address, print }: LessonOptions): Promise<void> {
  const Test = loadService<testDefinition>("tutorial/test.proto", "grpc.test", { includeDirs: [protosDir()] });
  const client = createClient(Test, { address });
  try {
    const response = await client.firstRpc({ name: "slow", id: 1 }, { timeoutMs: DEADLINE_LESSON_TIMEOUT_MS });
    print(goLog(`status:${response.status} value:${quoted(response.value)}`));
  } catch (error) {
    if (error instanceof GrpcError && error.code === Status.DEADLINE_EXCEEDED) {
      print(goLog("FirstRpc timeout!"));
      return;
    }
    throw error;
  } finally {
    closeClient(client);
  }
}
