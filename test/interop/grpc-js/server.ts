// The grpc-js interop server program: the TestService of test-service.ts.
// Usage: node dist/test/interop/grpc-js/server.js --port=N [--host=H] [--use_tls=true
// --tls_cert_file=F --tls_key_file=K]. Prints "listening on <port>" once it serves.
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { exitWithUsageOnHelp, interopServerUsage, orExitOnUsageError, parseFlags } from "../flags.js";
import { ensureInteropCerts } from "../interop-certs.js";
import { installWireTap } from "../wire-tap.js";
import { createGrpcJsTestServer } from "./test-service.js";

exitWithUsageOnHelp(process.argv.slice(2), interopServerUsage("node dist/test/interop/grpc-js/server.js", "@grpc/grpc-js"));
installWireTap();

const flags = orExitOnUsageError(() => {
  const parsed = parseFlags(process.argv.slice(2));
  return { host: parsed.string("host", "127.0.0.1"), port: parsed.int("port", 0), useTls: parsed.bool("use_tls", false), parsed };
});
let credentials = grpc.ServerCredentials.createInsecure();
if (flags.useTls) {
  const defaults = ensureInteropCerts();
  credentials = grpc.ServerCredentials.createSsl(null, [
    {
      private_key: readFileSync(flags.parsed.string("tls_key_file", defaults.keyFile)),
      cert_chain: readFileSync(flags.parsed.string("tls_cert_file", defaults.certFile)),
    },
  ]);
}
const server = createGrpcJsTestServer();
const host = flags.host;
server.bindAsync(`${host.includes(":") ? `[${host}]` : host}:${flags.port}`, credentials, (error, port) => {
  if (error !== null) {
    console.error(`grpc-js interop server: ${error.message}`);
    process.exit(1);
  }
  console.log(`listening on ${port}`);
});
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => server.forceShutdown());
