/**
 * Counts length-prefixed frames in a byte stream with arbitrary chunk boundaries, without
 * decoding or copying them: all the raw client and raw server need to know about messages.
 */
export class FrameCounter {
  #headerBytesSeen = 0;
  #length = 0;
  #remaining = 0;

  /** Consumes a chunk and returns how many frames it completed. */
  push(chunk: Uint8Array): number {
    let completed = 0;
    let offset = 0;
    const end = chunk.length;
    while (offset < end) {
      if (this.#headerBytesSeen < 5) {
        const byte = chunk[offset++] as number;
        // Byte 0 is the compressed flag; bytes 1-4 are the big-endian length.
        if (this.#headerBytesSeen > 0) this.#length = this.#length * 256 + byte;
        if (++this.#headerBytesSeen === 5) {
          this.#remaining = this.#length;
          this.#length = 0;
          if (this.#remaining === 0) {
            completed++;
            this.#headerBytesSeen = 0;
          }
        }
        continue;
      }
      const take = Math.min(this.#remaining, end - offset);
      offset += take;
      this.#remaining -= take;
      if (this.#remaining === 0) {
        completed++;
        this.#headerBytesSeen = 0;
      }
    }
    return completed;
  }
}
