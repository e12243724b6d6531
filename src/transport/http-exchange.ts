import type { Readable } from "node:stream";
import type { PeerCertificate } from "node:tls";
import type { OutgoingHeaderValues } from "../metadata.js";

// One HTTP request and its response, over HTTP/1.1 (node:http) or HTTP/2 (a node:http2 stream),
// in the few terms the browser protocols need: gRPC-Web and Connect are plain HTTP exchanges
// (a status, headers, a body each way, no trailers), so they are written once against this and
// run on either version. http1-exchange.ts and http2-exchange.ts are the two implementations.

/** How the exchange ended before its response did: the client went away, or the server shut it down. */
export type ExchangeAbort = "cancelled" | "connection-lost";

/** One HTTP request and its response, whichever HTTP version carried them. */
export interface HttpExchange {
  /** "1.1" or "2". */
  readonly httpVersion: string;
  /** "GET", "POST", "OPTIONS", ... */
  readonly method: string;
  /** The request target: path and query, "/pkg.Service/Method?encoding=json". */
  readonly url: string;
  /** A request header by lower-case name; repeated headers joined with ", ". */
  header(name: string): string | undefined;
  /** The request headers as [name, value, ...] with lower-case names, pseudo-headers left out. */
  readonly rawHeaders: readonly string[];
  /** The client's address, "127.0.0.1:51234" or "[::1]:51234". */
  readonly peer: string;
  readonly peerCertificate: PeerCertificate | undefined;
  /** True once the response status and headers went out. */
  readonly isResponseStarted: boolean;
  /** True once the whole request body was received. */
  readonly isRequestComplete: boolean;

  /** Starts the request body flowing: each chunk to `onData`, then `onEnd` once. */
  readBody(onData: (chunk: Buffer) => void, onEnd: () => void): void;
  /** Stops reading the request body (HTTP/2 flow control, or TCP's, closes) until resume(). */
  pause(): void;
  resume(): void;
  /** Calls `listener` once if the exchange closes before the response ended. */
  onAbort(listener: (why: ExchangeAbort) => void): void;

  /** Adds headers every response of this exchange carries (CORS), whoever writes it. */
  addResponseHeaders(headers: OutgoingHeaderValues): void;
  /** Sends the status and headers; `isEnd` ends the response with no body. Throws if Node refuses them. */
  respond(status: number, headers: OutgoingHeaderValues, isEnd?: boolean): void;
  /** Writes body bytes; false when the caller should await drained(). */
  write(chunk: Uint8Array): boolean;
  /** Resolves when the response can take more bytes, or has closed. */
  drained(): Promise<void>;
  /** Ends the response, after `chunk` if given. */
  end(chunk?: Uint8Array): void;
  /**
   * Ends the exchange at once, with no more response: RST_STREAM (CANCEL, or INTERNAL_ERROR when
   * `isError`) on HTTP/2, closing the connection on HTTP/1.1 (its only way to cut a response short).
   */
  reset(isError?: boolean): void;
  /** After the response ended: stop a client that is still sending (RST_STREAM NO_ERROR, RFC 9113 §8.1). */
  stopRequestAfterResponse(): void;
}

/** What both exchanges do alike: a request body that is a Readable, the abort listener, the headers every response carries. */
export abstract class ExchangeBase {
  protected abortListener: ((why: ExchangeAbort) => void) | undefined;
  #extraHeaders: OutgoingHeaderValues | undefined;
  /** The request body. */
  protected abstract readonly requestBody: Readable;

  readBody(onData: (chunk: Buffer) => void, onEnd: () => void): void {
    this.requestBody.on("data", onData);
    this.requestBody.once("end", onEnd);
  }

  pause(): void {
    this.requestBody.pause();
  }

  resume(): void {
    this.requestBody.resume();
  }

  onAbort(listener: (why: ExchangeAbort) => void): void {
    this.abortListener = listener;
  }

  addResponseHeaders(headers: OutgoingHeaderValues): void {
    this.#extraHeaders = { ...this.#extraHeaders, ...headers };
  }

  /** `headers` with those addResponseHeaders added. */
  protected withAddedHeaders(headers: OutgoingHeaderValues): OutgoingHeaderValues {
    return this.#extraHeaders === undefined ? headers : { ...headers, ...this.#extraHeaders };
  }
}

/** The request's content-type without parameters and spaces, lower case: "application/grpc-web+proto". */
export function mediaTypeOf(exchange: HttpExchange): string {
  const contentType = exchange.header("content-type") ?? "";
  const semicolon = contentType.indexOf(";");
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** Formats a socket address as gRPC peers are written: "127.0.0.1:51234", "[::1]:51234". */
export function formatPeer(address: string | undefined, port: number | undefined): string {
  const host = address ?? "unknown";
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
