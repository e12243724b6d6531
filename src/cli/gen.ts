#!/usr/bin/env node
// h2grpc-gen: .proto files → type-only TypeScript. The work is in gen-command.ts and src/codec/generate-types.ts.
import { runGen } from "./gen-command.js";

try {
  process.exitCode = runGen(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`h2grpc-gen: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
