// Lesson 3, client streaming: send ten requests "stream client rpc: i", one a second, then
// close and print the single response (`status:200 value:"OK"`).
import { setTimeout as sleep } from "node:timers/promises";
import { closeClient, createClient, loadService } from "h2grpc";
import type { StreamClientDefinition } from "../../../protos/gen/tutorial/client_stream.js";
import { protosDir } from "../tutorial-paths.js";
import { goLog, quoted, type LessonOptions } from "./lesson.js";

/** Runs the client-streaming lesson; rejects with the call's GrpcError. */
export async function clientStreamLesson({ address, print, pauseMs = 1_000 }: LessonOptions): Promise<void> {
  const StreamClient = loadService<StreamClientDefinition>("tutorial/client_stream.proto", "my_lib.StreamClient", {
    includeDirs: [protosDir()],
  });
  const client = createClient(StreamClient, { address });
  try {
    const call = client.routeList();
    for (let i = 0; i < 10; i++) {
      await call.write({ streamData: `stream client rpc: ${i}` }); // resolves when the stream takes more
      await sleep(pauseMs);
    }
    call.end(); // the Go client's CloseAndRecv: half-close, then wait for the response
    const response = await call.response;
    print(goLog(`status:${response.status} value:${quoted(response.value)}`));
  } finally {
    closeClient(client);
  }
}
