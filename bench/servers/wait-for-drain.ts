import type { Writable } from "node:stream";

/** Resolves on 'drain', or on 'close' (a cancelled stream never drains), removing both listeners. */
export function waitForDrain(stream: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}
