// The h2grpc command: one bin, a subcommand per tool. call, list and describe are grpcurl's
// verbs, health is grpc_health_probe, bench a ghz-like load generator, gen the type generator.
import { VERSION } from "../version.js";
import { runBench } from "./bench-command.js";
import type { CommandIo } from "./command-io.js";
import { runGen } from "./gen-command.js";
import { fromGrpcurlOrder } from "./grpcurl-options.js";
import { runGrpcurl } from "./grpcurl-command.js";
import { runHealth } from "./health-command.js";

const USAGE = `usage: h2grpc <command> [flags] [arguments]

Commands:
  call      call a method, grpcurl-style:  h2grpc call -plaintext -d '{"name": "ada"}' localhost:50051 pkg.Service/Method
  list      list services, or the methods of one:  h2grpc list -plaintext localhost:50051 [service]
  describe  describe a symbol as .proto source:  h2grpc describe -plaintext localhost:50051 pkg.Message
  health    check grpc.health.v1 like grpc_health_probe:  h2grpc health localhost:50051 [-service=s]
  bench     load-test a method, ghz-style:  h2grpc bench -plaintext -c 50 -z 10s localhost:50051 pkg.Service/Method
  gen       generate type-only TypeScript from .proto files (also installed as h2grpc-gen)

grpcurl's own argument order also works: h2grpc -plaintext localhost:50051 list

Run 'h2grpc <command> -help' for the flags of a command, 'h2grpc --version' for the version.
`;

/** Runs h2grpc with its arguments (without node and the script); resolves with the exit status. Never rejects. */
export async function runH2grpc(argv: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      io.stderr(USAGE);
      return 2;
    case "help":
    case "-h":
    case "-help":
    case "--help":
      io.stdout(USAGE);
      return 0;
    case "version":
    case "-version":
    case "--version":
      io.stdout(`h2grpc ${VERSION}\n`);
      return 0;
    case "call":
    case "list":
    case "describe":
      return runGrpcurl(command, rest, io);
    case "health":
      return runHealth(rest, io);
    case "bench":
      return runBench(rest, io);
    case "gen":
      return runGenCommand(rest, io);
    default: {
      const grpcurlOrder = command.startsWith("-") || command.includes(":") ? fromGrpcurlOrder(argv) : undefined;
      if (grpcurlOrder !== undefined) return runGrpcurl(grpcurlOrder.verb, grpcurlOrder.argv, io);
      io.stderr(`h2grpc: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
    }
  }
}

function runGenCommand(argv: readonly string[], io: CommandIo): number {
  try {
    return runGen(argv, { stdout: io.stdout, stderr: io.stderr });
  } catch (error) {
    io.stderr(`h2grpc gen: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
