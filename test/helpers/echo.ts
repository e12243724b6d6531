// Test helper: the Echo service of test/protos/echo.proto, typed by its generated stubs
// (test/protos/gen/echo.ts, `npm run gen`), for every test on either side of the wire.
import { loadService } from "../../src/codec/load-service.js";
import type { EchoDefinition } from "../protos/gen/echo.js";

export type { EchoDefinition } from "../protos/gen/echo.js";
/** An EchoRequest as a handler receives it (every field present). */
export type { EchoRequest__Output as EchoRequest } from "../protos/gen/echo.js";
/** An EchoReply as a client receives it (every field present). */
export type { EchoReply__Output as EchoReply } from "../protos/gen/echo.js";

/** The Echo service definition: unary, serverStream, clientStream, bidi. */
export const Echo = loadService<EchoDefinition>("test/protos/echo.proto", "h2grpc.test.Echo");

export { collect } from "./collect.js";
