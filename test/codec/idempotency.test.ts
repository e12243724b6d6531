import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadService } from "../../src/codec/load-service.js";

const PROTO = fileURLToPath(new URL("../protos/idempotency.proto", import.meta.url));

describe("loadService: idempotency_level", () => {
  it("reads NO_SIDE_EFFECTS and IDEMPOTENT from the method options and leaves other methods without one", () => {
    const service = loadService(PROTO, "h2grpc.test.Idempotency");
    expect(service.methods["lookup"]?.idempotency).toBe("NO_SIDE_EFFECTS");
    expect(service.methods["replace"]?.idempotency).toBe("IDEMPOTENT");
    expect(service.methods["append"]?.idempotency).toBeUndefined();
  });
});
