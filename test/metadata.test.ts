import { describe, expect, it } from "vitest";
import { decodeBinaryValues, encodeBinaryValue, isBinaryKey, isReservedHeader, Metadata, type OutgoingHeaderValues } from "../src/metadata.js";

describe("Metadata", () => {
  it("is a multimap with lower-case keys that keeps values in order", () => {
    const metadata = new Metadata({ "X-Multi": ["a", "b"] });
    metadata.append("x-multi", "c").set("Single", "1");
    expect(metadata.getAll("x-multi")).toEqual(["a", "b", "c"]);
    expect(metadata.get("X-MULTI")).toBe("a");
    expect(metadata.get("single")).toBe("1");
    expect(metadata.size).toBe(2);
    expect([...metadata]).toEqual([
      ["x-multi", "a"],
      ["x-multi", "b"],
      ["x-multi", "c"],
      ["single", "1"],
    ]);
    metadata.set("x-multi", "z");
    expect(metadata.getAll("x-multi")).toEqual(["z"]);
    expect(metadata.delete("x-multi")).toBe(true);
    expect(metadata.delete("x-multi")).toBe(false);
    expect(metadata.has("x-multi")).toBe(false);
    expect(metadata.get("absent")).toBeUndefined();
    expect(metadata.getAll("absent")).toEqual([]);
  });

  it("holds bytes under -bin keys and writes them as unpadded base64", () => {
    const metadata = new Metadata({ "trace-bin": new Uint8Array([0xfb, 0xff]) });
    metadata.append("trace-bin", new Uint8Array([1]));
    const out: OutgoingHeaderValues = {};
    metadata.writeHeaders(out);
    expect(out).toEqual({ "trace-bin": ["+/8", "AQ"] });
    expect(metadata.toJSON()).toEqual({ "trace-bin": ["+/8", "AQ"] });
  });

  it("reads padded and unpadded base64, and comma-joined -bin values as one value each", () => {
    const metadata = Metadata.fromHeaders({ "a-bin": "AQI=", "b-bin": "AQI", "c-bin": "AQ==,Ag", "d-bin": ["AQ", "Ag=="] });
    expect(metadata.get("a-bin")).toEqual(new Uint8Array([1, 2]));
    expect(metadata.get("b-bin")).toEqual(new Uint8Array([1, 2]));
    expect(metadata.getAll("c-bin")).toEqual([new Uint8Array([1]), new Uint8Array([2])]);
    expect(metadata.getAll("d-bin")).toEqual([new Uint8Array([1]), new Uint8Array([2])]);
    expect(decodeBinaryValues("")).toEqual([new Uint8Array(0)]);
  });

  it("leaves reserved headers out of metadata read from the wire", () => {
    const metadata = Metadata.fromHeaders({
      ":status": "200",
      ":path": "/a.B/C",
      "content-type": "application/grpc",
      te: "trailers",
      "grpc-status": "0",
      "grpc-message": "m",
      "grpc-timeout": "1S",
      "grpc-encoding": "gzip",
      "grpc-accept-encoding": "gzip",
      host: "h",
      connection: "close",
      "content-length": "1",
      "user-agent": "grpc-go/1.60.0",
      "x-kept": "yes",
      "x-number": 5,
      "x-absent": undefined,
    });
    expect(Object.fromEntries(metadata)).toEqual({ "user-agent": "grpc-go/1.60.0", "x-kept": "yes", "x-number": "5" });
  });

  it("keeps repeated names apart when read from node:http2's raw header list", () => {
    const metadata = Metadata.fromHeaders([":path", "/a/B", "x-order", "a", "x-order", "b, c", "x-id-bin", "AQI", "te", "trailers"]);
    expect(metadata.getAll("x-order")).toEqual(["a", "b, c"]);
    expect([...(metadata.get("x-id-bin") ?? [])]).toEqual([1, 2]);
    expect(metadata.has(":path")).toBe(false);
    expect(metadata.has("te")).toBe(false);
  });

  it("parses received headers only when first read, and copies them through unparsed", () => {
    const raw = { "x-a": "1", ":status": "200", "x-b": ["2", "3"] };
    const out: OutgoingHeaderValues = {};
    Metadata.fromHeaders(raw).writeHeaders(out);
    expect(out).toEqual({ "x-a": "1", "x-b": ["2", "3"] });
  });

  it("merges and clones independently", () => {
    const first = new Metadata({ "x-a": "1" });
    const merged = first.clone().merge(Metadata.fromHeaders({ "x-a": "2", "x-b": "3" }));
    expect(merged.getAll("x-a")).toEqual(["1", "2"]);
    expect(first.getAll("x-a")).toEqual(["1"]);
    expect(merged.merge(new Metadata()).size).toBe(2);
  });

  it.each([
    ["", "metadata key \"\" is invalid: keys use only 0-9 a-z _ - ."],
    ["x y", 'metadata key "x y" is invalid: keys use only 0-9 a-z _ - .'],
    ["x:y", 'metadata key "x:y" is invalid: keys use only 0-9 a-z _ - .'],
    ["clé", 'metadata key "clé" is invalid: keys use only 0-9 a-z _ - .'],
    [":path", 'metadata key ":path" is invalid: keys use only 0-9 a-z _ - .'],
    ["grpc-status", 'metadata key "grpc-status" is reserved for gRPC and HTTP/2'],
    ["grpc-custom", 'metadata key "grpc-custom" is reserved for gRPC and HTTP/2'],
    ["content-type", 'metadata key "content-type" is reserved for gRPC and HTTP/2'],
    ["te", 'metadata key "te" is reserved for gRPC and HTTP/2'],
    ["Connection", 'metadata key "Connection" is reserved for gRPC and HTTP/2'],
  ])("rejects key %j with TypeError", (key, message) => {
    expect(() => new Metadata().set(key, "v")).toThrow(new TypeError(message));
  });

  it("rejects a value of the wrong kind or outside printable ASCII with TypeError", () => {
    expect(() => new Metadata().set("x-bin", "text" as never)).toThrow(
      new TypeError('metadata key "x-bin" ends in -bin and takes a Uint8Array value'),
    );
    expect(() => new Metadata().set("x", new Uint8Array(1) as never)).toThrow(
      new TypeError('metadata key "x" takes a string value; only -bin keys take bytes'),
    );
    expect(() => new Metadata().append("x", "line\nbreak")).toThrow(
      new TypeError('metadata value for "x" is invalid: only printable ASCII (0x20-0x7E) is allowed; use a -bin key for other bytes'),
    );
    expect(() => new Metadata({ x: "caf\u00e9" })).toThrow(TypeError);
    expect(new Metadata({ x: "" }).get("x")).toBe("");
  });

  it("accepts user-agent, which grpc-go hands to handlers and lets callers prefix", () => {
    expect(new Metadata({ "user-agent": "app/1" }).get("user-agent")).toBe("app/1");
    expect(isReservedHeader("user-agent")).toBe(false);
  });

  it("recognises reserved and binary keys", () => {
    expect([":authority", "grpc-trace-bin", "transfer-encoding", "upgrade", "keep-alive"].map(isReservedHeader)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(isBinaryKey("x-bin")).toBe(true);
    expect(isBinaryKey("x-binary")).toBe(false);
    expect(encodeBinaryValue(new Uint8Array(0))).toBe("");
  });
});
