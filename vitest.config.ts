import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const UNIT_TESTS = [
  "test/*.test.ts",
  "test/framing/**/*.test.ts",
  "test/codec/**/*.test.ts",
  "test/cli/**/*.test.ts",
  "test/transport/{timeout-header,percent-encoding,status-trailers,error-mapping,grpc-headers,tls,base64-stream,connect-errors}.test.ts",
];

const BENCH_SMOKE = "test/bench/bench-smoke.test.ts";

export default defineConfig({
  // Examples import "h2grpc" as users do; under vitest that is the source, not a stale dist/.
  resolve: { alias: [{ find: /^h2grpc$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) }] },
  test: {
    // No top-level include: projects extend this config, and vitest concatenates arrays when merging.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // CONTRIBUTING.md §1: `unit` (the wire vocabulary, no server), `e2e` (everything else but the
    // bench) and `bench` (every bench scenario run briefly: minutes of processes, so `npm test`
    // leaves it to `npm run test:bench`, which .ci/run runs once).
    projects: [
      { extends: true, test: { name: "unit", include: UNIT_TESTS } },
      { extends: true, test: { name: "e2e", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, ...UNIT_TESTS, BENCH_SMOKE] } },
      { extends: true, test: { name: "bench", include: [BENCH_SMOKE] } },
    ],
  },
});
