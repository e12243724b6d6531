import type { Writable } from "node:stream";

/**
 * Resolves when `stream` can take more bytes ('drain'), or has closed or been destroyed (Node
 * never emits 'drain' after that, and a writer waiting for it must not hang).
 */
export function whenDrained(stream: Writable): Promise<void> {
  if (stream.destroyed || stream.closed || !stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}
