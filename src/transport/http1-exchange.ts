import type { IncomingMessage, ServerResponse } from "node:http";
import type { PeerCertificate, TLSSocket } from "node:tls";
import type { OutgoingHeaderValues } from "../metadata.js";
import { ExchangeBase, formatPeer, type HttpExchange } from "./http-exchange.js";
import { whenDrained } from "./stream-drain.js";
import { peerCertificateOf } from "./tls.js";

/** An HttpExchange over node:http's request and response (HTTP/1.1, plaintext or TLS). */
export class Http1Exchange extends ExchangeBase implements HttpExchange {
  protected readonly requestBody: IncomingMessage;
  readonly #request: IncomingMessage;
  readonly #response: ServerResponse;
  #rawHeaders: string[] | undefined;

  constructor(request: IncomingMessage, response: ServerResponse) {
    super();
    this.requestBody = request;
    this.#request = request;
    this.#response = response;
    request.on("error", ignoreError);
    response.on("error", ignoreError);
    // 'close' before 'finish': the client closed the connection while the response was open.
    response.once("close", () => {
      if (!response.writableFinished) this.abortListener?.("cancelled");
      this.abortListener = undefined;
    });
  }

  get httpVersion(): string {
    return this.#request.httpVersion;
  }

  get method(): string {
    return this.#request.method ?? "GET";
  }

  get url(): string {
    return this.#request.url ?? "/";
  }

  header(name: string): string | undefined {
    const value = this.#request.headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  }

  get rawHeaders(): readonly string[] {
    if (this.#rawHeaders === undefined) {
      const raw = this.#request.rawHeaders;
      const lower: string[] = new Array<string>(raw.length);
      for (let i = 0; i + 1 < raw.length; i += 2) {
        lower[i] = (raw[i] as string).toLowerCase();
        lower[i + 1] = raw[i + 1] as string;
      }
      this.#rawHeaders = lower;
    }
    return this.#rawHeaders;
  }

  get peer(): string {
    return formatPeer(this.#request.socket.remoteAddress, this.#request.socket.remotePort);
  }

  get peerCertificate(): PeerCertificate | undefined {
    const socket = this.#request.socket as Partial<TLSSocket>;
    return typeof socket.getPeerCertificate === "function" ? peerCertificateOf(socket as TLSSocket) : undefined;
  }

  get isResponseStarted(): boolean {
    return this.#response.headersSent;
  }

  get isRequestComplete(): boolean {
    return this.#request.complete;
  }


  respond(status: number, headers: OutgoingHeaderValues, isEnd = false): void {
    headers = this.withAddedHeaders(headers);
    this.#response.writeHead(status, headers);
    if (isEnd) this.#response.end();
    // Without this, node:http holds the headers back until the first body write.
    else this.#response.flushHeaders();
  }

  write(chunk: Uint8Array): boolean {
    return this.#response.write(chunk);
  }

  drained(): Promise<void> {
    return whenDrained(this.#response);
  }

  end(chunk?: Uint8Array): void {
    if (chunk === undefined) this.#response.end();
    else this.#response.end(chunk);
  }

  reset(): void {
    // HTTP/1.1 has no way to end one response early but to close its connection; a chunked body
    // left without its last chunk tells the client the response is incomplete.
    this.abortListener = undefined;
    this.#request.socket.destroy();
  }

  stopRequestAfterResponse(): void {
    // node:http discards the rest of an unread request body once the response has finished.
  }
}

function ignoreError(): void {
  // A client that goes away mid-exchange is reported through onAbort, never as an exception.
}
