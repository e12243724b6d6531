// The grpc.testing message and service types (the generated stubs of protos/gen/grpc/testing),
// and the service definitions loaded from protos/grpc/testing at run time.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadService } from "../../src/index.js";
import type * as testing from "../../protos/gen/grpc/testing/test.js";
import type { TestServiceDefinition, UnimplementedServiceDefinition } from "../../protos/gen/grpc/testing/test.js";

// The typed stubs `npm run gen` made from protos/grpc/testing/test.proto; the decoded ("__Output")
// forms go by their proto names here, since handlers and clients mostly read messages.
export type { TestServiceDefinition, UnimplementedServiceDefinition };
export type BoolValue = testing.BoolValue__Output;
export type EchoStatus = testing.EchoStatus__Output;
export type Payload = testing.Payload__Output;
export type ResponseParameters = testing.ResponseParameters__Output;
export type SimpleRequest = testing.SimpleRequest__Output;
export type SimpleResponse = testing.SimpleResponse__Output;
export type StreamingInputCallRequest = testing.StreamingInputCallRequest__Output;
export type StreamingInputCallResponse = testing.StreamingInputCallResponse__Output;
export type StreamingOutputCallRequest = testing.StreamingOutputCallRequest__Output;
export type StreamingOutputCallResponse = testing.StreamingOutputCallResponse__Output;

// Works from test/interop (vitest), dist/test/interop (the built programs) and the private builds
// of test/helpers/child-process.ts (node_modules/.cache/<dir>/programs/test/interop).
function findProtosDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    if (existsSync(path.join(dir, "protos", "grpc", "testing", "test.proto"))) return path.join(dir, "protos");
    dir = path.dirname(dir);
  }
  throw new Error("protos/grpc/testing/test.proto not found above the interop programs");
}

/** The proto include directory holding grpc/testing/*.proto; throws if it cannot be found. */
export const PROTOS_DIR = findProtosDir();

/** grpc.testing.TestService, with h2grpc's protobufjs serializers. */
export const TestService = loadService<TestServiceDefinition>("grpc/testing/test.proto", "grpc.testing.TestService", {
  includeDirs: [PROTOS_DIR],
});

/** grpc.testing.UnimplementedService, which no interop server implements. */
export const UnimplementedService = loadService<UnimplementedServiceDefinition>(
  "grpc/testing/test.proto",
  "grpc.testing.UnimplementedService",
  { includeDirs: [PROTOS_DIR] },
);
