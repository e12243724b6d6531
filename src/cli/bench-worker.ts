// A worker thread of h2grpc bench: runs its LoadPlan (workerData) and reports progress every
// 100 ms and the result at the end, over the parent port.
import { parentPort, workerData } from "node:worker_threads";
import { runLoad, type LoadPlan, type LoadResult } from "./bench-load.js";

/** What a bench worker posts to the main thread. */
export type WorkerMessage =
  | { readonly type: "progress"; readonly done: number }
  | { readonly type: "result"; readonly result: LoadResult }
  | { readonly type: "error"; readonly message: string };

const PROGRESS_INTERVAL_MS = 100;

if (parentPort !== null) {
  const port = parentPort;
  let done = 0;
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  const timer = setInterval(() => post({ type: "progress", done }), PROGRESS_INTERVAL_MS);
  try {
    const result = await runLoad(workerData as LoadPlan, (count) => (done = count));
    post({ type: "result", result }, [result.latenciesUs.buffer as ArrayBuffer, result.errorLatenciesUs.buffer as ArrayBuffer]);
  } catch (error) {
    post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  } finally {
    clearInterval(timer);
  }
}
