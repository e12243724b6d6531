// #12: the packed tarball as a new user gets it. The package is built and packed from a private
// copy of the sources, installed (offline, from the npm cache) into an app outside the repository,
// and used from a strict CommonJS TypeScript file that loads a .proto without stubs, from a .cjs
// file with require(), and through the h2grpc-gen bin. Needs only node and npm.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
const work = mkdtempSync(path.join(tmpdir(), "h2grpc-tarball-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly [key: string]: unknown;
}

/** Builds and packs a copy of the repository's package; returns the tarball and its file list. */
async function packCopy(): Promise<{ tarball: string; files: string[] }> {
  const stage = path.join(work, "stage");
  mkdirSync(stage);
  for (const item of ["package.json", "README.md", "LICENSE", "tsconfig.json", "tsconfig.build.json", "scripts", "src", "protos"]) {
    cpSync(path.join(ROOT, item), path.join(stage, item), { recursive: true });
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(stage, "node_modules"));
  await run("npm", ["run", "build", "--silent"], { cwd: stage });
  const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: stage });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(work, packed?.filename ?? ""), files: (packed?.files ?? []).map((file) => file.path) };
}

/**
 * A lockfile for an app depending on the tarball, with the entries of the tarball's dependencies
 * (and theirs) copied from the repository's lockfile, so `npm ci --offline` finds every package
 * in the npm cache that installing the repository filled.
 */
function appLock(tarball: string, manifest: { version: string; dependencies: Record<string, string>; bin: Record<string, string> }): object {
  const repoLock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const packages: Record<string, LockEntry> = {
    "": { name: "app", version: "1.0.0", dependencies: { h2grpc: `file:${tarball}` } },
    "node_modules/h2grpc": {
      version: manifest.version,
      resolved: `file:${tarball}`,
      integrity: `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`,
      dependencies: manifest.dependencies,
      bin: manifest.bin, // npm ci links bins from the lockfile
    },
  };
  const pending = Object.keys(manifest.dependencies);
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const key = `node_modules/${name}`;
    if (packages[key] !== undefined) continue;
    const entry = repoLock.packages[key];
    if (entry === undefined) throw new Error(`${name} is not in package-lock.json`);
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    packages[key] = kept;
    pending.push(...Object.keys(entry.dependencies ?? {}));
  }
  return { name: "app", version: "1.0.0", lockfileVersion: 3, requires: true, packages };
}

const GREETER_PROTO = `syntax = "proto3";
package demo.v1;
message HelloRequest { string name = 1; int32 times = 2; }
message HelloReply { string message = 1; }
service Greeter {
  rpc SayHello(HelloRequest) returns (HelloReply);
  rpc LotsOfReplies(HelloRequest) returns (stream HelloReply);
}
`;

// What a proto-loader user writes: no stubs, no casts, strict mode. Fields are LooseValue (what any
// protobuf field can hold), so values are converted where a string or a number is needed.
const APP_TS = `import path from "node:path";
import { closeClient, createClient, createServer, GrpcError, loadService, Status } from "h2grpc";

const Greeter = loadService(path.join(__dirname, "..", "greeter.proto"), "demo.v1.Greeter");

async function main(): Promise<void> {
  const server = createServer().addService(Greeter, {
    async sayHello(request) {
      if (request.name === "") throw new GrpcError(Status.INVALID_ARGUMENT, "name is required");
      return { message: "Hello " + String(request.name) };
    },
    async *lotsOfReplies(request) {
      for (let i = 0; i < Number(request.times); i++) yield { message: String(request.name) + " " + i };
    },
  });
  const port = await server.listen({ host: "127.0.0.1", port: 0 });
  const client = createClient(Greeter, { address: "127.0.0.1:" + port });
  try {
    const reply = await client.sayHello({ name: "ada" }, { timeoutMs: 10000 });
    console.log(reply.message);
    for await (const each of client.lotsOfReplies({ name: "bob", times: 2 })) console.log(each.message);
    try {
      await client.sayHello({ name: 5 });
    } catch (error) {
      if (error instanceof GrpcError) console.log(Status[error.code]);
    }
  } finally {
    closeClient(client);
    await server.close();
  }
}
void main();
`;

const REQUIRE_CJS = `const h2grpc = require("h2grpc");
console.log(typeof h2grpc.createServer, typeof h2grpc.loadService, h2grpc.VERSION);
`;

describe("the packed tarball in a new CommonJS app", () => {
  let files: string[];
  let app: string;
  let installOutput: string;
  const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    version: string;
    dependencies: Record<string, string>;
    bin: Record<string, string>;
    scripts: Record<string, string>;
  };

  beforeAll(async () => {
    const packed = await packCopy();
    files = packed.files;
    app = path.join(work, "app");
    mkdirSync(app);
    // What `npm init -y` writes (npm 11 adds "type": "commonjs"), plus the dependency.
    writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({ name: "app", version: "1.0.0", type: "commonjs", dependencies: { h2grpc: `file:${packed.tarball}` } }, null, 2),
    );
    writeFileSync(path.join(app, "package-lock.json"), JSON.stringify(appLock(packed.tarball, manifest), null, 2));
    const installed = await run("npm", ["ci", "--offline", "--no-audit", "--no-fund"], { cwd: app });
    installOutput = `${installed.stdout}${installed.stderr}`;
    writeFileSync(path.join(app, "greeter.proto"), GREETER_PROTO);
    writeFileSync(path.join(app, "app.ts"), APP_TS);
    writeFileSync(path.join(app, "require.cjs"), REQUIRE_CJS);
  }, 240_000);

  it("ships the library, its sources for the source maps, the runtime protos and LICENSE, and nothing else", () => {
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json", "dist/src/index.js", "dist/src/index.d.ts", "dist/src/index.d.cts"]));
    expect(files).toEqual(expect.arrayContaining(["protos/grpc/health/v1/health.proto", "protos/grpc/reflection/v1/reflection.proto", "protos/grpc/reflection/v1alpha/reflection.proto"]));
    expect(files.filter((file) => /^protos\/(tutorial|gen|grpc\/testing)\//.test(file))).toEqual([]);
    expect(files.filter((file) => /^(test|bench|examples|scripts)\//.test(file))).toEqual([]);
    const shipped = new Set(files);
    for (const map of files.filter((file) => file.endsWith(".js.map"))) {
      const { sources } = JSON.parse(readFileSync(path.join(app, "node_modules", "h2grpc", map), "utf8")) as { sources: string[] };
      for (const source of sources) expect(shipped, `${map} names ${source}`).toContain(path.posix.join(path.posix.dirname(map), source));
    }
  });

  it("has repository and homepage, and no install script (the build runs on prepack)", () => {
    const shipped = JSON.parse(readFileSync(path.join(app, "node_modules", "h2grpc", "package.json"), "utf8")) as Record<string, unknown>;
    expect(shipped["repository"]).toEqual({ type: "git", url: "git+https://github.com/h2grpc/h2grpc.git" });
    expect(shipped["homepage"]).toBe("https://github.com/h2grpc/h2grpc#readme");
    for (const script of ["preinstall", "install", "postinstall", "prepare"]) expect(manifest.scripts[script], script).toBeUndefined();
    expect(installOutput).not.toMatch(/h2grpc@/);
  });

  it.each(["commonjs", "node16"])("compiles a strict TypeScript file using loadService without stubs (module %s) and runs it", async (module) => {
    const outDir = `out-${module}`;
    const tsconfig = { compilerOptions: { strict: true, skipLibCheck: false, module, target: "es2022", outDir, types: ["node"] }, files: ["app.ts"] };
    writeFileSync(path.join(app, `tsconfig.${module}.json`), JSON.stringify(tsconfig));
    await run(process.execPath, [TSC, "-p", `tsconfig.${module}.json`], { cwd: app }).catch((error: { stdout?: string }) => {
      throw new Error(`tsc failed:\n${error.stdout ?? String(error)}`);
    });
    const { stdout } = await run(process.execPath, [path.join(outDir, "app.js")], { cwd: app });
    expect(stdout).toBe("Hello ada\nbob 0\nbob 1\nINVALID_ARGUMENT\n");
  }, 120_000);

  it("can be required from a .cjs file", async () => {
    const { stdout, stderr } = await run(process.execPath, ["require.cjs"], { cwd: app });
    expect(stdout).toBe(`function function ${manifest.version}\n`);
    expect(stderr).toBe("");
  });

  it("installs h2grpc-gen, which answers --version and --help", async () => {
    const bin = path.join(app, "node_modules", ".bin", "h2grpc-gen");
    expect((await run(bin, ["--version"], { cwd: app })).stdout).toBe(`h2grpc-gen ${manifest.version}\n`);
    expect((await run(bin, ["--help"], { cwd: app })).stdout).toMatch(/^usage: h2grpc-gen/);
  });
});
