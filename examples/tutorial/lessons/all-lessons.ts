// The lessons by the name `npm run tutorial -- <name>` takes, in the tutorial's order.
import { bidiLesson } from "./bidi.js";
import { clientStreamLesson } from "./client-stream.js";
import { deadlineLesson } from "./deadline.js";
import { healthLesson } from "./health.js";
import type { Lesson } from "./lesson.js";
import { serverStreamLesson } from "./server-stream.js";
import { tlsTokenLesson } from "./tls-token.js";
import { unaryLesson } from "./unary.js";

/** Every lesson, by name, in the tutorial's order. */
export const LESSONS: Readonly<Record<string, Lesson>> = {
  unary: unaryLesson,
  "server-stream": serverStreamLesson,
  "client-stream": clientStreamLesson,
  bidi: bidiLesson,
  deadline: deadlineLesson,
  "tls-token": tlsTokenLesson,
  health: healthLesson,
};
