// The grpc-js interop client program: the cases of client-cases.ts against a server.
// Usage: node dist/test/interop/grpc-js/client.js --server_host=H --server_port=N
// --test_case=NAME|a,b|all [--use_tls=true --use_test_ca=true --ca_file=F --server_host_override=NAME]
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { interopClientUsage, parseInteropClientFlags, runCases } from "../case-runner.js";
import { ensureInteropCerts } from "../interop-certs.js";
import { installWireTap } from "../wire-tap.js";
import { grpcJsInteropCases } from "./client-cases.js";

installWireTap();

const flags = parseInteropClientFlags(process.argv.slice(2), interopClientUsage("node dist/test/interop/grpc-js/client.js", "@grpc/grpc-js"));
const host = flags.host;
const address = `${host.includes(":") ? `[${host}]` : host}:${flags.port}`;
const channelOptions: grpc.ChannelOptions = {};
let credentials = grpc.credentials.createInsecure();
if (flags.useTls) {
  const ca = flags.useTestCa ? readFileSync(flags.caFile ?? ensureInteropCerts().caFile) : null;
  credentials = grpc.credentials.createSsl(ca);
  const override = flags.serverHostOverride;
  if (override !== undefined) {
    channelOptions["grpc.ssl_target_name_override"] = override;
    channelOptions["grpc.default_authority"] = override;
  }
}
const { cases, close } = grpcJsInteropCases(address, credentials, channelOptions);
const failed = await runCases(flags.cases, (testCase) => cases[testCase]());
close();
// grpc-js keeps deadline timers of finished calls alive for a while; the results are printed.
process.exit(failed > 0 ? 1 : 0);
