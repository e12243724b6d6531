// #12: loading .proto files from anywhere (absolute paths, file: URLs) and errors that name the
// file at fault; a missing file names the paths tried, the include dirs and process.cwd().
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runGen } from "../../src/cli/gen-command.js";
import { loadService } from "../../src/codec/load-service.js";

const dir = mkdtempSync(path.join(tmpdir(), "h2grpc-proto-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `file` under the test directory and returns its absolute path. */
function protoFile(file: string, text: string): string {
  const full = path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, `syntax = "proto3";\npackage demo.v1;\n${text}`);
  return full;
}

const greeter = protoFile(
  "greeter.proto",
  "message HelloRequest { string name = 1; }\nmessage HelloReply { string message = 1; }\nservice Greeter { rpc SayHello(HelloRequest) returns (HelloReply); }\n",
);
const syntaxError = protoFile("syntax-error.proto", "message A { string a = 1 }\n");
const importsSyntaxError = protoFile("imports-broken.proto", 'import "syntax-error.proto";\n');
const unresolved = protoFile("unresolved.proto", "message A { Nope a = 1; }\nservice S { rpc M(A) returns (A); }\n");

describe("loadService paths", () => {
  it("loads an absolute path, a file: URL and a file: URL string", () => {
    for (const protoPath of [greeter, pathToFileURL(greeter), pathToFileURL(greeter).href]) {
      expect(Object.keys(loadService(protoPath, "demo.v1.Greeter").methods)).toEqual(["sayHello"]);
    }
  });

  it("loads a path relative to an include dir given as a file: URL", () => {
    expect(loadService("greeter.proto", "demo.v1.Greeter", { includeDirs: [pathToFileURL(`${dir}/`)] }).typeName).toBe("demo.v1.Greeter");
  });

  it("refuses a URL that is not a file: URL with a TypeError", () => {
    expect(() => loadService(new URL("https://example.com/greeter.proto"), "demo.v1.Greeter")).toThrow(
      "cannot load https://example.com/greeter.proto: only file: URLs and paths name .proto files",
    );
  });
});

describe("loadService errors", () => {
  it("names the file of a syntax error", () => {
    expect(() => loadService(syntaxError, "demo.v1.S")).toThrow(`${syntaxError}: illegal token '}', ';' expected (line 3)`);
  });

  it("names the imported file when the syntax error is in an import", () => {
    expect(() => loadService(importsSyntaxError, "demo.v1.S")).toThrow(`${syntaxError}: illegal token '}'`);
  });

  it("names the file of an unresolved type", () => {
    expect(() => loadService(unresolved, "demo.v1.S")).toThrow(`${unresolved}: no such Type or Enum 'Nope' in Type .demo.v1.A`);
  });

  it("names the path tried, the include dirs and process.cwd() for a missing file, and how to load one beside a module", () => {
    const include = path.join(dir, "include");
    let message = "";
    try {
      loadService("missing.proto", "demo.v1.Greeter", { includeDirs: [include] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`cannot find missing.proto: tried ${path.resolve("missing.proto")}, ${path.join(include, "missing.proto")}; include dirs: ${include}.`);
    expect(message).toContain(`resolved against process.cwd() (${process.cwd()})`);
    expect(message).toContain('new URL("./file.proto", import.meta.url)');
  });

  it("names the importing file when an import is missing", () => {
    const importsMissing = protoFile("imports-missing.proto", 'import "nowhere/missing.proto";\n');
    expect(() => loadService(importsMissing, "demo.v1.S")).toThrow(`cannot find nowhere/missing.proto (imported by ${importsMissing}): tried`);
  });
});

describe("h2grpc-gen errors", () => {
  it.each([
    [syntaxError, `${syntaxError}: illegal token '}'`],
    [unresolved, `${unresolved}: no such Type or Enum 'Nope'`],
  ])("names the file at fault for %s", (file, message) => {
    expect(() => runGen(["--out-dir", path.join(dir, "gen-out"), file], { stdout: () => {}, stderr: () => {} })).toThrow(message);
  });
});
