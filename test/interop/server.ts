// h2grpc's interop server program: the TestService of test-service.ts.
// Usage: npm run interop:server -- --port=N [--host=H] [--use_tls=true --tls_cert_file=F --tls_key_file=K]
// Without --tls_cert_file/--tls_key_file, TLS uses the generated test certificate (interop-certs.ts).
// Prints "listening on <port>" once it serves; SIGTERM or SIGINT closes it.
import { readFileSync } from "node:fs";
import { createServer, insecure, serverTls, type ServerCredentials } from "../../src/index.js";
import { exitWithUsageOnHelp, interopServerUsage, orExitOnUsageError, parseFlags } from "./flags.js";
import { ensureInteropCerts } from "./interop-certs.js";
import { TestService } from "./interop-messages.js";
import { testServiceImpl } from "./test-service.js";
import { installWireTap } from "./wire-tap.js";

exitWithUsageOnHelp(process.argv.slice(2), interopServerUsage("npm run interop:server --", "h2grpc"));
installWireTap();

const flags = orExitOnUsageError(() => {
  const parsed = parseFlags(process.argv.slice(2));
  return { host: parsed.string("host", "127.0.0.1"), port: parsed.int("port", 0), useTls: parsed.bool("use_tls", false), parsed };
});
let credentials: ServerCredentials = insecure();
if (flags.useTls) {
  const defaults = ensureInteropCerts();
  credentials = serverTls({
    cert: readFileSync(flags.parsed.string("tls_cert_file", defaults.certFile)),
    key: readFileSync(flags.parsed.string("tls_key_file", defaults.keyFile)),
  });
}
const server = createServer().addService(TestService, testServiceImpl);
const port = await server.listen({ host: flags.host, port: flags.port, credentials });
console.log(`listening on ${port}`);
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void server.close());
