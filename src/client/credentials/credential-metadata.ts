import type { AnyMethodDefinition } from "../../definition.js";
import { GrpcError } from "../../grpc-error.js";
import { Metadata } from "../../metadata.js";
import { Status } from "../../status.js";
import type { CallCredentials } from "./call-credentials.js";
import type { ChannelImpl } from "../channel/channel.js";

const NO_CREDENTIALS: readonly CallCredentials[] = Object.freeze([]);

/** The per-RPC credentials of a call: the client's, then the call's (they compose, as in grpc-go). */
export function credentialsOf(clientCredentials: CallCredentials | undefined, callCredentials: CallCredentials | undefined): readonly CallCredentials[] {
  if (clientCredentials === undefined && callCredentials === undefined) return NO_CREDENTIALS; // most calls: nothing to allocate
  const all: CallCredentials[] = [];
  if (clientCredentials !== undefined) all.push(clientCredentials);
  if (callCredentials !== undefined) all.push(callCredentials);
  return all;
}

/**
 * The request metadata after asking every credential for its own. Rejects with UNAUTHENTICATED
 * before asking anything if a credential requires transport security on an insecure channel, and
 * with UNAVAILABLE when a credential throws (grpc-go), keeping a GrpcError's own code.
 */
export async function addCredentialMetadata(
  credentials: readonly CallCredentials[],
  channel: ChannelImpl,
  method: AnyMethodDefinition,
  metadata: Metadata | undefined,
  signal: AbortSignal | undefined,
): Promise<Metadata> {
  if (!channel.isSecure && credentials.some((credential) => credential.requireTransportSecurity)) {
    throw new GrpcError(Status.UNAUTHENTICATED, "cannot send call credentials that require transport security over an insecure channel");
  }
  const merged = metadata === undefined ? new Metadata() : metadata.clone();
  const context = { serviceUrl: serviceUrlOf(channel, method), methodName: method.name, signal: signal ?? new AbortController().signal };
  for (const credential of credentials) {
    try {
      merged.merge(await credential.getRequestMetadata(context));
    } catch (error) {
      if (error instanceof GrpcError) throw error;
      throw new GrpcError(Status.UNAVAILABLE, `call credentials failed: ${error instanceof Error ? error.message : String(error)}`, undefined, {
        cause: error,
      });
    }
  }
  return merged;
}

// grpc-go: the audience is "https://" + authority (without a default :443) + "/pkg.Service".
function serviceUrlOf(channel: ChannelImpl, method: AnyMethodDefinition): string {
  const authority = channel.authority.endsWith(":443") ? channel.authority.slice(0, -4) : channel.authority;
  return `https://${authority}${method.path.slice(0, method.path.lastIndexOf("/"))}`;
}
