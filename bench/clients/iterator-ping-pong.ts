import { REQUESTS, type BenchRequest } from "../bench-messages.js";
import type { PingPong } from "./bench-client.js";

/** The request side of a bidi call whose replies are an async iterable: write one message (resolving once taken), half-close. */
export interface RequestWriter {
  write(request: BenchRequest): Promise<void>;
  end(): void;
}

/** Ping-pong over a bidi call of a library that writes with promises and reads with `for await` (h2grpc, connect-node). */
export class IteratorPingPong<Reply> implements PingPong {
  readonly #requests: RequestWriter;
  readonly #replies: AsyncIterator<Reply>;

  constructor(requests: RequestWriter, replies: AsyncIterable<Reply>) {
    this.#requests = requests;
    this.#replies = replies[Symbol.asyncIterator]();
  }

  async ping(): Promise<void> {
    await this.#requests.write(REQUESTS.small);
    const reply = await this.#replies.next();
    if (reply.done === true) throw new Error("bidi call ended before its reply");
  }

  async end(): Promise<void> {
    this.#requests.end();
    const last = await this.#replies.next();
    if (last.done !== true) throw new Error("bidi call sent an unexpected reply");
  }
}
