import { describe, expect, it } from "vitest";
import { selectCases } from "./case-runner.js";
import { parseFlags } from "./flags.js";
import { TEST_CASES } from "./interop-spec.js";

describe("interop program flags", () => {
  it("reads --name=value, Go's -name=value, and a bare --name as true", () => {
    const flags = parseFlags(["--server_host=127.0.0.1", "-server_port=50052", "--use_tls", "--server_host_override=a=b"]);
    expect(flags.string("server_host", "localhost")).toBe("127.0.0.1");
    expect(flags.int("server_port", 8080)).toBe(50052);
    expect(flags.bool("use_tls", false)).toBe(true);
    expect(flags.optional("server_host_override")).toBe("a=b");
    expect(flags.optional("ca_file")).toBeUndefined();
  });

  it.each([
    ["true", true], ["True", true], ["TRUE", true], ["1", true], ["t", true],
    ["false", false], ["False", false], ["0", false], ["f", false],
  ] as const)("takes --use_tls=%s as Go's flag package does", (value, expected) => {
    expect(parseFlags([`--use_tls=${value}`]).bool("use_tls", !expected)).toBe(expected);
  });

  it("rejects a malformed boolean, a non-integer port and a non-flag argument with TypeError", () => {
    expect(() => parseFlags(["--use_tls=yes"]).bool("use_tls", false)).toThrow(TypeError);
    expect(() => parseFlags(["--port=80a"]).int("port", 0)).toThrow(TypeError);
    expect(() => parseFlags(["large_unary"])).toThrow(TypeError);
  });

  it("selects one case, a comma-separated list, or all; rejects an unknown name", () => {
    expect(selectCases("ping_pong")).toEqual(["ping_pong"]);
    expect(selectCases("empty_unary,large_unary")).toEqual(["empty_unary", "large_unary"]);
    expect(selectCases("all")).toEqual([...TEST_CASES]);
    expect(() => selectCases("compute_engine_creds")).toThrow(/unknown --test_case "compute_engine_creds"/);
  });
});
