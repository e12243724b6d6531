// Lesson 2, server streaming: ListValue({data: "Stream Server grpc "}) and print each reply's
// stream_value as it arrives (fmt.Println in the Go client): "Stream Server grpc 0" .. "9".
import { closeClient, createClient, loadService } from "h2grpc";
import type { StreamServerDefinition } from "../../../protos/gen/tutorial/server_stream.js";
import { protosDir } from "../tutorial-paths.js";
import type { LessonOptions } from "./lesson.js";

/** Runs the server-streaming lesson; rejects with the call's GrpcError. */
export async function serverStreamLesson({ address, print }: LessonOptions): Promise<void> {
  const StreamServer = loadService<StreamServerDefinition>("tutorial/server_stream.proto", "my_lib.StreamServer", {
    includeDirs: [protosDir()],
  });
  const client = createClient(StreamServer, { address });
  try {
    // A non-OK status is thrown after the last reply, like the Go client's stream.Recv() error.
    for await (const reply of client.listValue({ data: "Stream Server grpc " })) print(reply.streamValue);
  } finally {
    closeClient(client);
  }
}
