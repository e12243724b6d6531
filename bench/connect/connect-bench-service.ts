import type { ConnectRouter } from "@connectrpc/connect";
import { SMALL_TEXT } from "../bench-messages.js";
import { Bench } from "./gen/bench_pb.js";

// The Bench service as a connect-es user implements it: routes on the generated service, async
// functions and generators, replies as plain init objects. One set of routes serves the gRPC,
// gRPC-Web and Connect protocols alike (connectNodeAdapter accepts all three by default).

/** Registers the Bench service on a Connect router. */
export function benchRoutes(router: ConnectRouter): void {
  router.service(Bench, {
    async unary(request) {
      return { message: request.message, payload: request.payload };
    },
    async *serverStream(request) {
      for (let i = 0; i < request.count; i++) yield { message: SMALL_TEXT };
    },
    async clientStream(requests) {
      let count = 0;
      for await (const _ of requests) count++;
      return { count };
    },
    async *bidi(requests) {
      for await (const request of requests) yield { message: request.message };
    },
  });
}
