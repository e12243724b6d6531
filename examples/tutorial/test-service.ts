// grpc.test/FirstRpc: the tutorial's unary lesson, and its deadline lesson.
import { GrpcError, type ServiceImpl } from "h2grpc";
import type { testDefinition } from "../../protos/gen/tutorial/test.js";
import { abortableDelay } from "./abortable-delay.js";

/** Options of the test service. */
export interface TestServiceOptions {
  /** How long FirstRpc works for the name "slow" (default 4000, the tutorial's 4 s). */
  readonly slowWorkMs?: number;
  /** Where the handler reports that it stopped working (default console.log). */
  readonly log?: (line: string) => void;
}

/** The name that makes FirstRpc slow, for the deadline lesson. */
export const SLOW_NAME = "slow";

/**
 * Implements grpc.test: FirstRpc answers `status: 200, value: "Hello <name>, id <id>"`. For the
 * name "slow" it first works for 4 s, and stops as soon as its call's signal aborts: against a 3 s
 * client deadline the client gets DEADLINE_EXCEEDED and the server stops working at 3 s too.
 */
export function createTestService(options: TestServiceOptions = {}): ServiceImpl<testDefinition> {
  const slowWorkMs = options.slowWorkMs ?? 4_000;
  const log = options.log ?? console.log;
  return {
    async firstRpc(request, context) {
      if (request.name === SLOW_NAME) {
        try {
          await abortableDelay(slowWorkMs, context.signal);
        } catch (reason) {
          // The tutorial's server logs ctx.Err() and gives up; nobody is waiting for the answer.
          const error = GrpcError.from(reason);
          log(`FirstRpc: stopped working for ${JSON.stringify(request.name)}: ${error.message}`);
          throw error;
        }
      }
      // The tutorial's Go server writes string(req.GetId()), which turns 1 into "\x01"; it means the number.
      return { status: 200, value: `Hello ${request.name}, id ${request.id}` };
    },
  };
}
