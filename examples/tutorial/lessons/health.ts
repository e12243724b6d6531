// Lesson 7, health checking (grpc.health.v1.Health, the tutorial's HealthCheck section): ask for
// the status of the whole server ("") and of one service, see NOT_FOUND for a service the server
// does not know, and Watch the server's status (the stream a load balancer keeps open; it would
// see NOT_SERVING when the server starts shutting down).
import { GrpcError, Status, closeClient, createClient, loadService, type HealthDefinition } from "h2grpc";
import { protosDir } from "../tutorial-paths.js";
import { goError, goLog, type LessonOptions } from "./lesson.js";

/** Runs the health lesson; rejects with an unexpected GrpcError. */
export async function healthLesson({ address, print }: LessonOptions): Promise<void> {
  const Health = loadService<HealthDefinition>("grpc/health/v1/health.proto", "grpc.health.v1.Health", {
    includeDirs: [protosDir()],
  });
  const client = createClient(Health, { address });
  try {
    for (const service of ["", "grpc.test"]) {
      const response = await client.check({ service });
      print(goLog(`Check(${JSON.stringify(service)}): status:${response.status}`));
    }
    try {
      await client.check({ service: "no.such.Service" });
    } catch (error) {
      if (!(error instanceof GrpcError) || error.code !== Status.NOT_FOUND) throw error;
      print(goLog(`Check("no.such.Service"): ${goError(error)}`));
    }
    // Watch sends the current status at once, then every change; read the first and hang up.
    const watch = client.watch({ service: "" });
    for await (const update of watch) {
      print(goLog(`Watch(""): status:${update.status}`));
      break; // leaving the loop cancels the call (RST_STREAM CANCEL)
    }
  } finally {
    closeClient(client);
  }
}
