// Lesson 4, bidirectional streaming: ask ten questions "stream client rpc: i", one a second,
// reading each answer before asking the next, and print every answer (log.Println).
import { setTimeout as sleep } from "node:timers/promises";
import { closeClient, createClient, loadService } from "h2grpc";
import type { StreamDefinition } from "../../../protos/gen/tutorial/both_stream.js";
import { protosDir } from "../tutorial-paths.js";
import { goLog, type LessonOptions } from "./lesson.js";

/** Runs the bidi lesson; rejects with the call's GrpcError. */
export async function bidiLesson({ address, print, pauseMs = 1_000 }: LessonOptions): Promise<void> {
  const Stream = loadService<StreamDefinition>("tutorial/both_stream.proto", "my_lib.Stream", {
    includeDirs: [protosDir()],
  });
  const client = createClient(Stream, { address });
  try {
    const conversation = client.conversations();
    const answers = conversation[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++) {
      await conversation.write({ question: `stream client rpc: ${i}` });
      const answer = await answers.next(); // the Go client's stream.Recv()
      if (answer.done === true) break;
      print(goLog(answer.value.answer));
      await sleep(pauseMs);
    }
    conversation.end(); // the Go client's CloseSend
    // Read to the end, so a non-OK status from the server is thrown here rather than lost.
    for (let next = await answers.next(); next.done !== true; next = await answers.next()) print(goLog(next.value.answer));
  } finally {
    closeClient(client);
  }
}
