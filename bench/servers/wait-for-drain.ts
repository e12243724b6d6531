import type { EventEmitter } from "node:events";

/**
 * Resolves on 'drain', or on the first of `endEvents` (a cancelled stream never drains), removing
 * every listener it added: a stream waited on thousands of times must not collect listeners.
 */
export function waitForDrain(stream: EventEmitter, endEvents: readonly string[] = ["close"]): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off("drain", done);
      for (const event of endEvents) stream.off(event, done);
      resolve();
    };
    stream.on("drain", done);
    for (const event of endEvents) stream.on(event, done);
  });
}
