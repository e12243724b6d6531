#!/usr/bin/env node
// The h2grpc bin: call, list, describe, health, bench and gen (see h2grpc-command.ts).
import { processIo } from "./command-io.js";
import { runH2grpc } from "./h2grpc-command.js";

// h2grpc's own timers (deadlines, connect timeouts, backoff) are unref'd so that they never keep a
// library user's process alive; here the command is the process, so it stays up until it returns.
const keepAlive = setInterval(() => {}, 2 ** 30);
try {
  process.exitCode = await runH2grpc(process.argv.slice(2), processIo());
} finally {
  clearInterval(keepAlive);
}
