import http2 from "node:http2";
import { CLIENT_STREAM_COUNT, FRAMES, PATHS, repeatFrame } from "../bench-messages.js";
import { FrameCounter } from "../frame-counter.js";
import { waitForDrain } from "../servers/wait-for-drain.js";
import type { BenchClient, PingPong } from "./bench-client.js";

// The ceiling client: node:http2 with no library. It sends pre-framed bytes, never parses a
// message (it only counts frames) and checks grpc-status, the least a correct client must do.

/** Requests per coalesced write in client streaming. */
const WRITE_BATCH = 64;
const requestBatch = repeatFrame(FRAMES.smallRequest, WRITE_BATCH);

/** Opens one HTTP/2 connection to the bench server; rejects if it cannot connect. */
export async function createRawClient(port: number, host = "127.0.0.1"): Promise<BenchClient & RawStreamOpener> {
  const session = http2.connect(`http://${host}:${port}`, { maxSessionMemory: 1024 });
  await new Promise<void>((resolve, reject) => {
    session.once("connect", () => resolve());
    session.once("error", reject);
  });
  session.on("error", () => {});
  const headersFor = (path: string): http2.OutgoingHttpHeaders => ({
    ":method": "POST",
    ":scheme": "http",
    ":authority": `${host}:${port}`,
    ":path": path,
    "content-type": "application/grpc",
    te: "trailers",
  });
  const unaryHeaders = headersFor(PATHS.unary);
  const serverStreamHeaders = headersFor(PATHS.serverStream);
  const clientStreamHeaders = headersFor(PATHS.clientStream);
  const bidiHeaders = headersFor(PATHS.bidi);

  return {
    unary(request) {
      const stream = session.request(unaryHeaders);
      const ended = endOfCall(stream);
      stream.resume();
      stream.end(request.frame);
      return ended;
    },
    serverStream(counter) {
      const stream = session.request(serverStreamHeaders);
      const ended = endOfCall(stream);
      const frames = new FrameCounter();
      stream.on("data", (chunk: Buffer) => {
        counter.value += frames.push(chunk);
      });
      stream.end(FRAMES.serverStreamRequest);
      return ended;
    },
    async clientStream(counter) {
      const stream = session.request(clientStreamHeaders);
      const ended = endOfCall(stream);
      stream.resume();
      for (let sent = 0; sent < CLIENT_STREAM_COUNT && !stream.destroyed; sent += WRITE_BATCH) {
        counter.value += WRITE_BATCH;
        if (!stream.write(requestBatch)) await waitForDrain(stream);
      }
      stream.end();
      return ended;
    },
    openBidi() {
      return new RawPingPong(session.request(bidiHeaders));
    },
    openStream() {
      return new RawPingPong(session.request(bidiHeaders));
    },
    close() {
      // destroy, not close: release drops streams that are still open on purpose.
      const closed = new Promise<void>((resolve) => session.once("close", () => resolve()));
      session.destroy();
      return closed;
    },
  };
}

/** Opens bidi streams that stay open: the open-streams memory scenario. */
export interface RawStreamOpener {
  openStream(): PingPong;
}

/** Resolves when the stream closed after grpc-status 0 trailers; rejects otherwise. */
function endOfCall(stream: http2.ClientHttp2Stream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let status: unknown;
    stream.once("response", (headers) => {
      status = headers["grpc-status"]; // a Trailers-Only response carries it in the headers
    });
    stream.once("trailers", (trailers) => {
      status = trailers["grpc-status"];
    });
    stream.once("error", () => {});
    stream.once("close", () => {
      if (status === "0") resolve();
      else reject(new Error(`call ended with grpc-status ${String(status)}, RST_STREAM code ${stream.rstCode}`));
    });
  });
}

class RawPingPong implements PingPong {
  readonly #stream: http2.ClientHttp2Stream;
  readonly #frames = new FrameCounter();
  readonly #resolvers: (() => void)[] = [];
  readonly #rejecters: ((error: Error) => void)[] = [];
  readonly #ended: Promise<void>;

  constructor(stream: http2.ClientHttp2Stream) {
    this.#stream = stream;
    this.#ended = endOfCall(stream);
    this.#ended.then(
      () => this.#failPending(new Error("bidi call ended before its reply")),
      (error: Error) => this.#failPending(error),
    );
    stream.on("data", (chunk: Buffer) => {
      for (let replies = this.#frames.push(chunk); replies > 0; replies--) {
        this.#rejecters.shift();
        this.#resolvers.shift()?.();
      }
    });
  }

  ping(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#resolvers.push(resolve);
      this.#rejecters.push(reject);
      this.#stream.write(FRAMES.smallRequest);
    });
  }

  end(): Promise<void> {
    this.#stream.end();
    return this.#ended;
  }

  #failPending(error: Error): void {
    for (const reject of this.#rejecters.splice(0)) reject(error);
    this.#resolvers.length = 0;
  }
}
