// Test helper: Debian's Chromium (/usr/bin/chromium), headless, driven by playwright-core over the
// DevTools protocol: never a browser playwright downloads. One browser per test file, closed after it.
import { afterAll } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM_PATH } from "../helpers/peers.js";

// Quiet and self-contained: no GPU, no QUIC, no first-run or background traffic (the machine has
// no network but loopback); playwright adds --headless, --no-sandbox (root) and a fresh profile.
const CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let browser: Promise<Browser> | undefined;

afterAll(async () => {
  const started = browser;
  browser = undefined;
  if (started !== undefined) await (await started).close();
});

/** Opens `url` in a new page of the file's browser (launched on first use); the page closes with the browser. */
export async function openPage(url: string): Promise<Page> {
  browser ??= chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, chromiumSandbox: false, args: CHROMIUM_ARGS, timeout: 60_000 });
  const page = await (await browser).newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  if (errors.length > 0) throw new Error(`the page failed to load: ${errors.join("; ")}`);
  return page;
}
