// The tutorial's token check, as one server interceptor for all four kinds of RPC (grpc-go needs
// a unary and a stream interceptor for this; h2grpc has one shape, ARCHITECTURE.md §5).
import { GrpcError, Status, type IncomingCall, type Metadata, type ServerInterceptor, type ServerInvoke } from "h2grpc";

/** The token the tutorial's clients send as metadata. */
export const TUTORIAL_TOKEN = { token_id: "12345", token_name: "gsh_token" } as const;

/** Throws UNAUTHENTICATED unless `metadata` carries token_id 12345 and token_name gsh_token. */
export function checkToken(metadata: Metadata): void {
  if (metadata.get("token_id") === TUTORIAL_TOKEN.token_id && metadata.get("token_name") === TUTORIAL_TOKEN.token_name) {
    return;
  }
  // Unlike the tutorial, the message does not echo the token back: the caller knows what it sent.
  throw new GrpcError(Status.UNAUTHENTICATED, "invalid token: send metadata token_id and token_name");
}

/**
 * A server interceptor that runs checkToken before every call, except calls to the services in
 * `openServices` (health checking and reflection stay open, as load balancers and grpcurl expect);
 * a call without the token ends with UNAUTHENTICATED before its handler runs.
 */
export function requireToken(options: { readonly openServices?: readonly string[] } = {}): ServerInterceptor {
  const open = new Set(options.openServices ?? []);
  return (next) => (call) => {
    const path = call.method.path; // "/pkg.Service/Method"
    if (open.has(path.slice(1, path.lastIndexOf("/")))) return next(call);
    return checkTokenThen(next, call);
  };
}

// The check runs when the server starts pulling responses, before the handler is called; its
// GrpcError ends the call with that status (the generator form of an interceptor, ARCHITECTURE.md §5).
async function* checkTokenThen(next: ServerInvoke, call: IncomingCall): AsyncIterable<unknown> {
  checkToken(call.metadata);
  yield* next(call);
}
