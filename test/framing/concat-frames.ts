// Test helper: several frames in one buffer, as a peer may send them in one DATA chunk.
import { encodeFrame, type Frame } from "../../src/framing/frame.js";

/** The frames encoded one after another into one buffer. */
export function concatFrames(frames: readonly Frame[]): Buffer {
  return Buffer.concat(frames.map((frame) => encodeFrame(frame.payload, frame.compressed)));
}
