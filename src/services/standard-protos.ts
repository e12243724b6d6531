import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceDefinition } from "../definition.js";
import { loadService } from "../codec/load-service.js";

// The package's protos/ folder: two levels above src/services/ when run from source, three above
// dist/src/services/ when built (package.json ships "protos" beside "dist/src").
const PROTOS_DIR = ["../../protos/", "../../../protos/"]
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((dir) => existsSync(path.join(dir, "grpc", "health", "v1", "health.proto")));

/**
 * Loads a service of the .proto files h2grpc ships ("grpc/health/v1/health.proto"), by absolute
 * path so that a same-named file in the working directory cannot shadow it; throws Error if the
 * package's protos/ folder is missing.
 */
export function loadStandardService<D extends ServiceDefinition>(protoFile: string, serviceName: string): D {
  if (PROTOS_DIR === undefined) throw new Error("h2grpc's protos/ folder was not found beside its sources");
  return loadService<D>(path.join(PROTOS_DIR, protoFile), serviceName, { includeDirs: [PROTOS_DIR] });
}
