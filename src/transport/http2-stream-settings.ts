import type { OutgoingHeaderValues } from "../metadata.js";
import { GRPC_CONTENT_TYPE } from "./grpc-headers.js";

// Made once per listener and shared by every stream it accepts, so that a call reads its limits
// and its usual response headers without building anything of its own.

/** What every gRPC stream of one server shares. */
export interface Http2StreamSettings {
  readonly maxReceiveMessageBytes: number;
  /** The grpc-accept-encoding every response advertises (the encodings the server decodes). */
  readonly acceptEncoding: string;
  /** The response headers of a call with no metadata and no compression, made once (node:http2 copies them). */
  readonly plainResponseHeaders: Readonly<OutgoingHeaderValues>;
  /** True while the server shuts down: a stream closed now was cut by the server (UNAVAILABLE), not cancelled. */
  readonly isShuttingDown: () => boolean;
}

/** The response headers of a call with no metadata and no compression, for Http2StreamSettings. */
export function plainResponseHeaders(acceptEncoding: string): Readonly<OutgoingHeaderValues> {
  return Object.freeze({ ":status": 200, "content-type": GRPC_CONTENT_TYPE, "grpc-accept-encoding": acceptEncoding });
}
