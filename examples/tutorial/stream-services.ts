// The tutorial's three streaming lessons: my_lib.StreamServer/ListValue,
// my_lib.StreamClient/RouteList and my_lib.Stream/Conversations.
import type { ServiceImpl } from "h2grpc";
import type { StreamDefinition } from "../../protos/gen/tutorial/both_stream.js";
import type { StreamClientDefinition } from "../../protos/gen/tutorial/client_stream.js";
import type { StreamServerDefinition } from "../../protos/gen/tutorial/server_stream.js";
import { abortableDelay } from "./abortable-delay.js";

/** How many replies ListValue sends, as in the tutorial. */
export const LIST_VALUE_COUNT = 10;

/** Options of the streaming services. */
export interface StreamServicesOptions {
  /** The pause between two ListValue replies (default 1000, the tutorial's one a second). */
  readonly streamIntervalMs?: number;
  /** Where RouteList and Conversations log what they receive (default console.log). */
  readonly log?: (line: string) => void;
}

/** Implements StreamServer: ListValue sends `data + i` for i = 0..9, one a second; stops when the call's signal aborts. */
export function createStreamServerService(options: StreamServicesOptions = {}): ServiceImpl<StreamServerDefinition> {
  const intervalMs = options.streamIntervalMs ?? 1_000;
  return {
    async *listValue(request, context) {
      for (let i = 0; i < LIST_VALUE_COUNT; i++) {
        if (i > 0) await abortableDelay(intervalMs, context.signal);
        yield { streamValue: request.data + i };
      }
    },
  };
}

/** Implements StreamClient: RouteList logs every stream_data it reads, then answers `status: 200, value: "OK"`. */
export function createStreamClientService(options: StreamServicesOptions = {}): ServiceImpl<StreamClientDefinition> {
  const log = options.log ?? console.log;
  return {
    async routeList(requests) {
      for await (const request of requests) log(`RouteList: ${request.streamData}`);
      return { status: 200, value: "OK" };
    },
  };
}

/** Implements Stream: Conversations answers each question as it arrives, numbering them from 1. */
export function createBothStreamService(options: StreamServicesOptions = {}): ServiceImpl<StreamDefinition> {
  const log = options.log ?? console.log;
  return {
    async *conversations(questions) {
      let n = 1;
      for await (const { question } of questions) {
        yield { answer: `from client stream, server answer: the ${n} question is ${question}` };
        log(`Conversations: question ${n} is ${question}`);
        n++;
      }
    },
  };
}
