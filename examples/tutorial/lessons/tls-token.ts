// Lesson 6, TLS and token authentication, against `npm start -- --tls`: trust the server's
// self-signed certificate, check it against the name gsh.com (the Go client's
// credentials.NewClientTLSFromFile(cert, "gsh.com")), and send the token with every call as
// per-RPC credentials (the Go client's PerRPCCredentials). Then show a call without the token.
import { GrpcError, Metadata, Status, channelTls, closeClient, createClient, loadService, type CallCredentials } from "h2grpc";
import type { testDefinition } from "../../../protos/gen/tutorial/test.js";
import { readTutorialCertificate } from "../tls-certificate.js";
import { protosDir } from "../tutorial-paths.js";
import { goError, goLog, quoted, type LessonOptions } from "./lesson.js";

/** The tutorial's Token: metadata token_id and token_name on every call, only over TLS. */
export const tokenCredentials: CallCredentials = {
  getRequestMetadata: () => new Metadata({ token_id: "12345", token_name: "gsh_token" }),
  requireTransportSecurity: true,
};

/** Runs the TLS lesson; rejects with Error if the certificate is missing, or with an unexpected GrpcError. */
export async function tlsTokenLesson({ address, print, certificateDir }: LessonOptions): Promise<void> {
  const Test = loadService<testDefinition>("tutorial/test.proto", "grpc.test", { includeDirs: [protosDir()] });
  const { cert } = readTutorialCertificate(certificateDir);
  const credentials = channelTls({ ca: cert, serverNameOverride: "gsh.com" });

  const client = createClient(Test, { address, credentials, callCredentials: tokenCredentials });
  const withoutToken = createClient(Test, { address, credentials });
  try {
    const response = await client.firstRpc({ name: "gsh", id: 1 });
    print(goLog(`status:${response.status} value:${quoted(response.value)}`));
    try {
      await withoutToken.firstRpc({ name: "gsh", id: 1 });
      print(goLog("without the token: the call succeeded (is the server running with --tls?)"));
    } catch (error) {
      if (!(error instanceof GrpcError) || error.code !== Status.UNAUTHENTICATED) throw error;
      print(goLog(`without the token: ${goError(error)}`));
    }
  } finally {
    closeClient(client);
    closeClient(withoutToken);
  }
}
