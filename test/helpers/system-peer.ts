// Tests that need a program from the system (Go, protoc, ...): they run when it is there, skip
// with one line saying what to install when it is not, and fail instead when CI=true, where
// .ci/run installs everything (the brief's rule for optional peers).
import { describe, it } from "vitest";

/**
 * Declares the suite `name` with `body` when `missing` is undefined; otherwise, with CI=true, a
 * suite whose one test fails saying what is missing, and elsewhere a skipped suite plus one
 * warning line. `missing` says what is absent and how to install it.
 */
export function describeWithSystemPeer(name: string, missing: string | undefined, body: () => void): void {
  if (missing === undefined) {
    describe(name, body);
  } else if (process.env["CI"] === "true") {
    describe(name, () => {
      it("has what it needs (CI=true: .ci/run installs it)", () => {
        throw new Error(missing);
      });
    });
  } else {
    console.warn(`skipping "${name}": ${missing}`);
    describe.skip(name, body);
  }
}
