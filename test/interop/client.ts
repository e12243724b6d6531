// h2grpc's interop client program: the cases of client-cases.ts against a server.
// Usage: npm run interop:client -- --server_host=H --server_port=N --test_case=NAME|a,b|all
//   [--use_tls=true --use_test_ca=true --ca_file=F --server_host_override=NAME]
// --use_test_ca trusts --ca_file, by default the generated interop CA (interop-certs.ts).
// Prints one line per case (PASS / FAIL / N/A) and exits 1 if any case failed.
import { readFileSync } from "node:fs";
import { channelTls, createChannel, insecure, type ChannelCredentials } from "../../src/index.js";
import { parseInteropClientFlags, runCases } from "./case-runner.js";
import { interopCases } from "./client-cases.js";
import { ensureInteropCerts } from "./interop-certs.js";
import { installWireTap } from "./wire-tap.js";

// The server_compressed_* cases check the Compressed-Flag on the wire: h2grpc, like grpc-go,
// does not tell applications whether a response arrived compressed (see wire-tap.ts).
installWireTap();

const flags = parseInteropClientFlags(process.argv.slice(2));
let credentials: ChannelCredentials = insecure();
if (flags.useTls) {
  const ca = flags.useTestCa ? readFileSync(flags.caFile ?? ensureInteropCerts().caFile) : undefined;
  credentials = channelTls({ ca, serverNameOverride: flags.serverHostOverride });
}
const host = flags.host;
const channel = createChannel(`${host.includes(":") ? `[${host}]` : host}:${flags.port}`, { credentials });
const cases = interopCases(channel);
const failed = await runCases(flags.cases, (testCase) => cases[testCase]());
channel.close();
process.exitCode = failed > 0 ? 1 : 0;
