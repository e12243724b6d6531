// `npm run tutorial -- <lesson> [--address=127.0.0.1:50051] [--pause-ms=1000]`: runs one of the
// tutorial's client programs against a running `npm start` (or `npm start -- --tls` for tls-token).
import { parseArgs } from "node:util";
import { GrpcError, Status } from "h2grpc";
import { LESSONS } from "./all-lessons.js";
import { goError, goLog } from "./lesson.js";

const USAGE = `usage: npm run tutorial -- <lesson> [--address=127.0.0.1:50051] [--pause-ms=1000]
lessons: ${Object.keys(LESSONS).join(", ")}
Start the server first: \`npm start\` (or \`npm start -- --tls\` for tls-token).
`;

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      address: { type: "string", default: `127.0.0.1:${process.env["PORT"] ?? "50051"}` },
      "pause-ms": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const name = positionals[0];
  const lesson = name === undefined ? undefined : LESSONS[name];
  if (values.help || lesson === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const pauseMs = values["pause-ms"] === undefined ? undefined : Number(values["pause-ms"]);
  try {
    await lesson({ address: values.address, print: (line) => console.log(line), pauseMs });
    return 0;
  } catch (error) {
    // The Go clients end with log.Fatalf("... err: %v", err), which prints grpc-go's error text.
    console.log(goLog(`${name} failed: ${goError(error)}`));
    if (error instanceof GrpcError && error.code === Status.UNAVAILABLE) {
      const wanted = name === "tls-token" ? "`npm start -- --tls`" : "`npm start` (plaintext, without --tls)";
      console.log(`is the server running at ${values.address}? this lesson needs ${wanted}`);
    }
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
