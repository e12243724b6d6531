import type { OutgoingHeaderValues } from "../metadata.js";
import type { HttpExchange } from "./http-exchange.js";

/** Which web pages on other origins may call the server from a browser (CORS, fetch.spec.whatwg.org). */
export interface CorsOptions {
  /** Origins allowed to call, as browsers send them ("https://app.example.com", "http://localhost:5173"); "*" allows any. */
  readonly allowedOrigins: readonly string[];
  /** Response headers page scripts may read besides the protocols' own (custom response metadata, "trailer-*" names). */
  readonly exposedHeaders?: readonly string[];
  /** How long a browser may reuse a preflight answer, in seconds (default 7200, Chromium's cap). */
  readonly maxAgeSeconds?: number;
}

// Response headers a gRPC-Web or Connect client reads (connect-es cors.exposedHeaders, plus the
// response encodings): without them a cross-origin page sees every status as missing.
const PROTOCOL_EXPOSED_HEADERS = [
  "grpc-status",
  "grpc-message",
  "grpc-status-details-bin",
  "grpc-encoding",
  "content-encoding",
  "connect-content-encoding",
];
const DEFAULT_MAX_AGE_SECONDS = 7200;

/** Answers preflight requests and adds the CORS headers to responses for allowed origins. */
export class CorsPolicy {
  readonly #origins: ReadonlySet<string>;
  readonly #isAnyOrigin: boolean;
  readonly #exposed: string;
  readonly #maxAge: string;

  /** Throws TypeError for an origin that is not "*" or scheme://host[:port]. */
  constructor(options: CorsOptions) {
    for (const origin of options.allowedOrigins) {
      if (origin !== "*" && !/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i.test(origin)) {
        throw new TypeError(`cors.allowedOrigins: ${JSON.stringify(origin)} is not an origin; write scheme://host[:port], as "https://app.example.com"`);
      }
    }
    this.#isAnyOrigin = options.allowedOrigins.includes("*");
    this.#origins = new Set(options.allowedOrigins.map((origin) => origin.toLowerCase()));
    this.#exposed = [...PROTOCOL_EXPOSED_HEADERS, ...(options.exposedHeaders ?? [])].join(", ");
    this.#maxAge = String(options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS);
  }

  /** True when `origin` may call. */
  allows(origin: string): boolean {
    return this.#isAnyOrigin || this.#origins.has(origin.toLowerCase());
  }

  /** The headers a response to a request from `origin` carries, or undefined when it is not allowed (or not cross-origin). */
  responseHeaders(origin: string | undefined): OutgoingHeaderValues | undefined {
    if (origin === undefined || !this.allows(origin)) return undefined;
    return { "access-control-allow-origin": origin, "access-control-expose-headers": this.#exposed, vary: "Origin" };
  }

  /**
   * Answers a preflight (OPTIONS with Access-Control-Request-Method): 204 allowing POST and GET
   * and the headers the browser asks for (the call's metadata names are the application's), or
   * 403 for an origin that may not call.
   */
  answerPreflight(exchange: HttpExchange): void {
    const origin = exchange.header("origin");
    const vary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
    if (origin === undefined || !this.allows(origin)) {
      exchange.respond(403, { vary, "content-type": "text/plain; charset=utf-8" }, false);
      exchange.end(Buffer.from(`origin ${JSON.stringify(origin ?? "")} may not call this server; add it to the server's cors.allowedOrigins\n`));
      return;
    }
    const headers: OutgoingHeaderValues = {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": "POST, GET",
      "access-control-max-age": this.#maxAge,
      vary,
    };
    const requested = exchange.header("access-control-request-headers");
    if (requested !== undefined && requested.trim() !== "") headers["access-control-allow-headers"] = requested;
    exchange.respond(204, headers, true);
  }
}
