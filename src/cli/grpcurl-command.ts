// h2grpc call | list | describe: parse, open the session, run the verb, and turn each way of
// failing into grpcurl's output and exit status (2 for the command line, 1 for any other
// failure, 64 + code for an RPC error).
import { runCall } from "./call-command.js";
import type { CommandIo } from "./command-io.js";
import { CommandFailure } from "./connection.js";
import { UsageError } from "./go-flags.js";
import { grpcurlHelp, parseGrpcurlOptions, type GrpcurlVerb } from "./grpcurl-options.js";
import { closeSession, openSession, type GrpcurlSession } from "./grpcurl-session.js";
import { runDescribe, runList } from "./inspect-commands.js";

/** Runs one grpcurl verb with its arguments; resolves with the exit status. Never rejects. */
export async function runGrpcurl(verb: GrpcurlVerb, argv: readonly string[], io: CommandIo): Promise<number> {
  let session: GrpcurlSession | undefined;
  try {
    const options = parseGrpcurlOptions(verb, argv);
    if (options === "help") {
      io.stdout(grpcurlHelp(verb));
      return 0;
    }
    session = await openSession(options, io.stderr);
    const status = verb === "list" ? await runList(session, io) : verb === "describe" ? await runDescribe(session, io) : await runCall(session, io);
    // grpcurl prints the timing tree on the way out of main, which an error exit skips.
    if (options.verbosity > 1 && status === 0) io.stdout(session.timing.text());
    return status;
  } catch (error) {
    return reportFailure(error, `h2grpc ${verb}`, io);
  } finally {
    if (session !== undefined) closeSession(session);
  }
}

/** Prints a failure as grpcurl's fail() does and returns its exit status: 2 for a usage error (with a pointer to -help), 1 otherwise. */
export function reportFailure(error: unknown, command: string, io: CommandIo): number {
  if (error instanceof UsageError) {
    io.stderr(`${error.message}\nTry '${command} -help' for more details.\n`);
    return 2;
  }
  if (error instanceof CommandFailure) {
    io.stderr(`${error.message}\n`);
    return 1;
  }
  // A TypeError from node:util parseArgs is a command-line problem too.
  if (error instanceof TypeError && (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") === true) {
    io.stderr(`${error.message}\nTry '${command} -help' for more details.\n`);
    return 2;
  }
  io.stderr(`${command}: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}
