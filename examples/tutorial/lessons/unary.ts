// Lesson 1, unary: FirstRpc({name: "gsh", id: 1}), then print the response as the Go client's
// log.Println(response) does: `status:200 value:"Hello gsh, id 1"`.
import { closeClient, createClient, loadService } from "h2grpc";
import type { testDefinition } from "../../../protos/gen/tutorial/test.js";
import { protosDir } from "../tutorial-paths.js";
import { goLog, quoted, type LessonOptions } from "./lesson.js";

/** Runs the unary lesson; rejects with the call's GrpcError. */
export async function unaryLesson({ address, print }: LessonOptions): Promise<void> {
  const Test = loadService<testDefinition>("tutorial/test.proto", "grpc.test", { includeDirs: [protosDir()] });
  const client = createClient(Test, { address });
  try {
    const response = await client.firstRpc({ name: "gsh", id: 1 });
    print(goLog(`status:${response.status} value:${quoted(response.value)}`));
  } finally {
    closeClient(client);
  }
}
