#!/usr/bin/env node
// The h2grpc bin: call, list, describe, health, bench and gen (see h2grpc-command.ts).
import { processIo } from "./command-io.js";
import { runH2grpc } from "./h2grpc-command.js";

process.exitCode = await runH2grpc(process.argv.slice(2), processIo());
