// The interop programs answer --help with their flags (exit 0) instead of starting: a server would
// otherwise listen, and a client run every case against localhost:8080.
import { afterAll, describe, expect, it } from "vitest";
import { buildProgram, removeLibrary, startProgram } from "../helpers/child-process.js";

afterAll(() => removeLibrary());

describe("interop programs", () => {
  it.each([
    ["test/interop/server.ts", "--tls_cert_file"],
    ["test/interop/grpc-js/server.ts", "--tls_cert_file"],
    ["test/interop/client.ts", "--test_case"],
    ["test/interop/grpc-js/client.ts", "--test_case"],
  ])("%s --help prints its usage, flags and the wire tap's cost, and exits 0", async (program, flag) => {
    const child = startProgram(process.execPath, [await buildProgram(program), "--help"]);
    expect(await child.exit(30_000)).toBe(0);
    const text = child.lines().join("\n");
    expect(text).toMatch(/^usage: /);
    expect(text).toContain(flag);
    expect(text).toContain("npm run bench");
    expect(text).not.toMatch(/^listening on \d+$/m);
  }, 120_000);
});
