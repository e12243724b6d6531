// #12: the repository carries its own guides, and what cites them points at sections that exist;
// nothing sends readers to files outside the repository.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const GUIDES = ["ARCHITECTURE.md", "CONTRIBUTING.md"];
const SOURCE_DIRS = ["src", "test", "examples", "bench", "scripts"];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(ts|mjs|md|sh|go|py)$/.test(file))
    .map((file) => path.join(dir, file));
}

const files = ["README.md", ...GUIDES, "vitest.config.ts", ...SOURCE_DIRS.flatMap(filesUnder)];
const text = new Map(files.map((file) => [file, readFileSync(file, "utf8")]));

/** The numbered sections of a guide: "## 3. Style" → 3. */
function sectionsOf(guide: string): Set<string> {
  return new Set([...(text.get(guide) ?? "").matchAll(/^## (\d+)\. /gm)].map((match) => match[1] as string));
}

describe("documentation", () => {
  it("points no reader at the shared style file outside the repository", () => {
    const outside = new RegExp(["\\.\\./shared", "STYLE" + "\\.md"].join("|"));
    expect(files.filter((file) => outside.test(text.get(file) ?? ""))).toEqual([]);
  });

  it("cites only sections of ARCHITECTURE.md and CONTRIBUTING.md that exist", () => {
    const missing: string[] = [];
    for (const guide of GUIDES) {
      const sections = sectionsOf(guide);
      expect(sections.size, guide).toBeGreaterThan(3);
      for (const [file, body] of text) {
        for (const match of body.matchAll(new RegExp(`${guide.replace(".", "\\.")} §(\\d+)(?:, §(\\d+))?(?:-§(\\d+))?`, "g"))) {
          for (const section of match.slice(1).filter((s): s is string => s !== undefined)) {
            if (!sections.has(section)) missing.push(`${file}: ${guide} §${section}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("has a README Troubleshooting section for hangs without a deadline, TLS mismatch, UNIMPLEMENTED and large messages", () => {
    const readme = text.get("README.md") ?? "";
    const troubleshooting = readme.slice(readme.indexOf("## Troubleshooting"), readme.indexOf("## Development"));
    expect(troubleshooting).toMatch(/deadline/);
    expect(troubleshooting).toMatch(/channelTls\(\)/);
    expect(troubleshooting).toMatch(/UNIMPLEMENTED/);
    expect(troubleshooting).toMatch(/RESOURCE_EXHAUSTED/);
  });
});
