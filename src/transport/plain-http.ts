import type { HttpExchange } from "./http-exchange.js";

/** A plain HTTP request that is not an RPC (a page, a file), as a server's httpHandler sees it. */
export interface PlainHttpRequest {
  /** "GET" or "HEAD". */
  readonly method: string;
  /** Path and query: "/", "/app.js?v=2". */
  readonly url: string;
  /** A request header by lower-case name, or undefined. */
  header(name: string): string | undefined;
}

/** The answer to a plain HTTP request. */
export interface PlainHttpResponse {
  /** Default 200. */
  readonly status?: number;
  /** Response headers, e.g. {"content-type": "text/html; charset=utf-8"}. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/**
 * Answers GET and HEAD requests that are not RPCs (`npm start` serves the tutorial's page this
 * way). Returns the response, or undefined for 404; a throw or rejection is answered with 500.
 */
export type PlainHttpHandler = (request: PlainHttpRequest) => PlainHttpResponse | undefined | Promise<PlainHttpResponse | undefined>;

/** Runs `handler` for one request and writes its answer; never throws. */
export function servePlainHttp(exchange: HttpExchange, handler: PlainHttpHandler): void {
  const request: PlainHttpRequest = { method: exchange.method, url: exchange.url, header: (name) => exchange.header(name.toLowerCase()) };
  let answer: ReturnType<PlainHttpHandler>;
  try {
    answer = handler(request);
  } catch (error) {
    writeAnswer(exchange, failure(error));
    return;
  }
  if (answer instanceof Promise) answer.then((response) => writeAnswer(exchange, response), (error: unknown) => writeAnswer(exchange, failure(error)));
  else writeAnswer(exchange, answer);
}

/** Writes a short text answer: 404, 405, 415, 505 for requests nothing here serves. */
export function answerPlainText(exchange: HttpExchange, status: number, text: string, headers: Readonly<Record<string, string>> = {}): void {
  writeAnswer(exchange, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body: `${text}\n` });
}

function failure(error: unknown): PlainHttpResponse {
  return { status: 500, headers: { "content-type": "text/plain; charset=utf-8" }, body: `httpHandler failed: ${error instanceof Error ? error.message : String(error)}\n` };
}

function writeAnswer(exchange: HttpExchange, response: PlainHttpResponse | undefined): void {
  const answer = response ?? { status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: "not found\n" };
  const body = typeof answer.body === "string" ? Buffer.from(answer.body, "utf8") : (answer.body ?? new Uint8Array(0));
  try {
    exchange.respond(answer.status ?? 200, { ...answer.headers, "content-length": body.length }, false);
    exchange.end(exchange.method === "HEAD" ? undefined : body);
  } catch {
    // A header value Node refuses (the handler's mistake): the connection is cut rather than the process.
    exchange.reset(true);
  }
}
