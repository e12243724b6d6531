import { Metadata } from "../../metadata.js";

/** What call credentials are told about the call they are asked to authorize. */
export interface CallCredentialsContext {
  /** "https://host:port/pkg.Service", as grpc-go builds the audience for per-RPC credentials. */
  readonly serviceUrl: string;
  /** "SayHello" */
  readonly methodName: string;
  readonly signal: AbortSignal;
}

/**
 * Per-RPC credentials (grpc-go's credentials.PerRPCCredentials): metadata added to every call.
 * When `requireTransportSecurity` is true they are never sent over an insecure channel: the call
 * fails with UNAUTHENTICATED before anything is sent.
 */
export interface CallCredentials {
  getRequestMetadata(context: CallCredentialsContext): Promise<Metadata> | Metadata;
  readonly requireTransportSecurity: boolean;
}

/**
 * Call credentials that add the same metadata to every call, e.g. `{ authorization: "Bearer …" }`;
 * they require transport security unless told otherwise. Throws TypeError for an invalid key or value.
 */
export function metadataCredentials(
  values: Readonly<Record<string, string>>,
  options: { readonly requireTransportSecurity?: boolean } = {},
): CallCredentials {
  const metadata = new Metadata(values);
  return {
    requireTransportSecurity: options.requireTransportSecurity ?? true,
    getRequestMetadata: () => metadata,
  };
}
