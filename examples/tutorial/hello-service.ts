// HelloService: the four kinds of method from the tutorial's overview, answered as their names say.
import type { ServiceImpl } from "h2grpc";
import type { HelloServiceDefinition } from "../../protos/gen/tutorial/hello.js";

/** How many replies LotsOfReplies sends. */
export const LOTS_OF_REPLIES_COUNT = 3;

/**
 * Implements HelloService: SayHello replies "Hello <greeting>"; LotsOfReplies replies three
 * times; LotsOfGreetings answers every greeting at once; BidiHello answers each as it arrives.
 */
export function createHelloService(): ServiceImpl<HelloServiceDefinition> {
  return {
    sayHello({ greeting }) {
      return { reply: `Hello ${greeting}` };
    },
    *lotsOfReplies({ greeting }) {
      for (let i = 1; i <= LOTS_OF_REPLIES_COUNT; i++) yield { reply: `Hello ${greeting} (${i} of ${LOTS_OF_REPLIES_COUNT})` };
    },
    async lotsOfGreetings(requests) {
      const greetings: string[] = [];
      for await (const { greeting } of requests) greetings.push(greeting);
      return { reply: `Hello ${greetings.join(", ")} (${greetings.length} greetings)` };
    },
    async *bidiHello(requests) {
      for await (const { greeting } of requests) yield { reply: `Hello ${greeting}` };
    },
  };
}
