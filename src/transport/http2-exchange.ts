import http2 from "node:http2";
import type { PeerCertificate } from "node:tls";
import type { OutgoingHeaderValues } from "../metadata.js";
import { ExchangeBase, formatPeer, type HttpExchange } from "./http-exchange.js";
import { whenDrained } from "./stream-drain.js";
import { peerCertificateOf } from "./tls.js";

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR } = http2.constants;

/** An HttpExchange over one node:http2 server stream (a browser's fetch over HTTP/2, or a Node client). */
export class Http2Exchange extends ExchangeBase implements HttpExchange {
  protected readonly requestBody: http2.ServerHttp2Stream;
  readonly #stream: http2.ServerHttp2Stream;
  readonly #headers: http2.IncomingHttpHeaders;
  readonly #rawHeaders: readonly string[];
  #isResponseEnded = false;

  constructor(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, rawHeaders: readonly string[]) {
    super();
    this.requestBody = stream;
    this.#stream = stream;
    this.#headers = headers;
    this.#rawHeaders = rawHeaders;
    stream.on("error", ignoreError);
    stream.once("close", () => {
      if (!this.#isResponseEnded) {
        // A reset from the client is a cancellation; a stream closed by its connection is a lost connection.
        this.abortListener?.(stream.rstCode === NGHTTP2_CANCEL || stream.rstCode === NGHTTP2_NO_ERROR ? "cancelled" : "connection-lost");
      }
      this.abortListener = undefined;
    });
  }

  get httpVersion(): string {
    return "2";
  }

  get method(): string {
    return this.#headers[":method"] ?? "GET";
  }

  get url(): string {
    return this.#headers[":path"] ?? "/";
  }

  header(name: string): string | undefined {
    const value = this.#headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  }

  get rawHeaders(): readonly string[] {
    return this.#rawHeaders;
  }

  get peer(): string {
    const socket = this.#stream.session?.socket;
    return formatPeer(socket?.remoteAddress, socket?.remotePort);
  }

  get peerCertificate(): PeerCertificate | undefined {
    const socket = this.#stream.session?.socket as { getPeerCertificate?: (detailed?: boolean) => PeerCertificate } | undefined;
    return socket === undefined ? undefined : peerCertificateOf(socket);
  }

  get isResponseStarted(): boolean {
    return this.#stream.headersSent;
  }

  get isRequestComplete(): boolean {
    return this.#stream.readableEnded;
  }


  respond(status: number, headers: OutgoingHeaderValues, isEnd = false): void {
    headers = this.withAddedHeaders(headers);
    if (this.#isClosed()) return;
    if (isEnd) this.#isResponseEnded = true;
    this.#stream.respond({ ...headers, ":status": status }, { endStream: isEnd });
  }

  write(chunk: Uint8Array): boolean {
    if (this.#isClosed()) return true;
    return this.#stream.write(chunk);
  }

  drained(): Promise<void> {
    return whenDrained(this.#stream);
  }

  end(chunk?: Uint8Array): void {
    this.#isResponseEnded = true;
    if (this.#isClosed()) return;
    if (chunk === undefined) this.#stream.end();
    else this.#stream.end(chunk);
  }

  reset(isError = false): void {
    this.abortListener = undefined;
    this.#isResponseEnded = true;
    if (!this.#isClosed()) this.#stream.close(isError ? NGHTTP2_INTERNAL_ERROR : NGHTTP2_CANCEL);
  }

  stopRequestAfterResponse(): void {
    if (this.#stream.readableEnded) return;
    this.#stream.resume(); // discard what the client still sends until the reset reaches it
    // nghttp2 would send a queued RST_STREAM before the queued end of the response and drop it;
    // Node's native write of this tick runs before JS immediates.
    setImmediate(() => {
      if (!this.#isClosed()) this.#stream.close(NGHTTP2_NO_ERROR);
    });
  }

  #isClosed(): boolean {
    return this.#stream.destroyed || this.#stream.closed;
  }
}

function ignoreError(): void {
  // A reset or lost connection is reported through onAbort, never as an exception.
}
