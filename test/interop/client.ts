// h2grpc's interop client program: the cases of client-cases.ts against a server.
// Usage: npm run interop:client -- --server_host=H --server_port=N --test_case=NAME|a,b|all
//   [--use_tls=true --use_test_ca=true --ca_file=F --server_host_override=NAME] [--repeat=N]
// --use_test_ca trusts --ca_file, by default the generated interop CA (interop-certs.ts).
// Each run of a case has a channel of its own, closed the moment the case ends (the way an
// application closes a client right after a fast call); --repeat=N runs each case N times.
// Prints one line per case (PASS / FAIL / N/A) and exits 1 if any case failed.
import { readFileSync } from "node:fs";
import { channelTls, createChannel, insecure, type ChannelCredentials } from "../../src/index.js";
import { interopClientUsage, parseInteropClientFlags, runCases } from "./case-runner.js";
import { interopCases } from "./client-cases.js";
import { ensureInteropCerts } from "./interop-certs.js";
import { installWireTap } from "./wire-tap.js";

// The server_compressed_* cases check the Compressed-Flag on the wire: h2grpc, like grpc-go,
// does not tell applications whether a response arrived compressed (see wire-tap.ts).
installWireTap();

const flags = parseInteropClientFlags(process.argv.slice(2), interopClientUsage("npm run interop:client --", "h2grpc"));
let credentials: ChannelCredentials = insecure();
if (flags.useTls) {
  const ca = flags.useTestCa ? readFileSync(flags.caFile ?? ensureInteropCerts().caFile) : undefined;
  credentials = channelTls({ ca, serverNameOverride: flags.serverHostOverride });
}
const host = flags.host;
const target = `${host.includes(":") ? `[${host}]` : host}:${flags.port}`;
const failed = await runCases(flags.cases, async (testCase) => {
  for (let run = 0; run < flags.repeat; run++) {
    const channel = createChannel(target, { credentials });
    try {
      await interopCases(channel)[testCase]();
    } finally {
      channel.close();
    }
  }
});
process.exitCode = failed > 0 ? 1 : 0;
