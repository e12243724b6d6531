import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { USER_AGENT } from "../src/transport/grpc-headers.js";
import { VERSION } from "../src/version.js";

describe("version", () => {
  it("equals the version in package.json and goes into the user-agent", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(USER_AGENT).toBe(`h2grpc/${pkg.version}`);
  });
});
