// The browser protocols' scenarios of `npm run bench`: small unary calls over gRPC-Web and
// Connect, the way a web app makes them (HTTP/1.1 keep-alive connections, or one HTTP/2
// connection), against h2grpc and connect-node serving the same Bench service.

/** A browser protocol's wire form of a unary call. */
export type WebProtocol = "grpc-web" | "connect-proto" | "connect-json";

/** The scenario names, as --scenarios takes them. */
export type WebScenarioName = `web-${WebProtocol}-h1` | `web-${WebProtocol}-h2`;

/** One scenario: a protocol, an HTTP version, calls in flight. */
export interface WebScenario {
  readonly name: WebScenarioName;
  readonly protocol: WebProtocol;
  readonly httpVersion: "1.1" | "2";
  /** Calls in flight: over HTTP/1.1 one per keep-alive connection (a browser opens up to 6 per origin; a load balancer many). */
  readonly inFlight: number;
  readonly description: string;
}

const IN_FLIGHT = 16;
const DESCRIPTIONS: Readonly<Record<WebProtocol, string>> = {
  "grpc-web": "gRPC-Web unary (application/grpc-web+proto)",
  "connect-proto": "Connect unary (application/proto)",
  "connect-json": "Connect unary (application/json)",
};

/** Every browser-protocol scenario, in report order. */
export const WEB_SCENARIOS: readonly WebScenario[] = (["grpc-web", "connect-proto", "connect-json"] as const).flatMap((protocol) =>
  (["1.1", "2"] as const).map((httpVersion) => ({
    name: `web-${protocol}-${httpVersion === "2" ? "h2" : "h1"}` as WebScenarioName,
    protocol,
    httpVersion,
    inFlight: IN_FLIGHT,
    description: `${DESCRIPTIONS[protocol]}, HTTP/${httpVersion}, ${IN_FLIGHT} in flight${httpVersion === "1.1" ? " on 16 keep-alive connections" : " on one connection"}`,
  })),
);

/** The servers compared: h2grpc (one port for both HTTP versions) and connect-node (connectNodeAdapter on node:http and node:http2). */
export type WebServerName = "h2grpc" | "connect-node";

/** Every server, in report order. */
export const WEB_SERVERS: readonly WebServerName[] = ["connect-node", "h2grpc"];
