// Where the tutorial finds its files. The same code runs from source (examples/tutorial/*.ts,
// under vitest) and built (dist/examples/tutorial/*.js, under `npm start`), so it looks upwards
// for the package root instead of counting "../".
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: the nearest directory above this file holding protos/tutorial; throws Error if there is none. */
export function findPackageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let depth = 0; depth < 8; depth++) {
    if (existsSync(path.join(dir, "protos", "tutorial", "test.proto"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`cannot find protos/tutorial/ above ${from}`);
}

/** The include directory of the tutorial's .proto files (imports are relative to it). */
export function protosDir(): string {
  return path.join(findPackageRoot(), "protos");
}

/** The gitignored directory the tutorial's self-signed TLS certificate is generated into. */
export function defaultCertificateDir(): string {
  return path.join(findPackageRoot(), ".tutorial-tls");
}
