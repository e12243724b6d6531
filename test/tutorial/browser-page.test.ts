// The tutorial in a browser (issue 16): `npm start` serves a page on the gRPC port that calls
// FirstRpc and ListValue with the Connect protocol and shows each reply as it arrives. Headless
// Chromium clicks through it and takes the screenshot the README shows (docs/tutorial-in-browser.png).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openPage } from "../browser/headless-chromium.js";
import { requirePeer } from "../helpers/peers.js";
import { startTutorialForTest, type TutorialFixture } from "./tutorial-fixture.js";

const SCREENSHOT = fileURLToPath(new URL("../../docs/tutorial-in-browser.png", import.meta.url));
const hasChromium = requirePeer("the tutorial page in a browser", "chromium");
let fixture: TutorialFixture | undefined;

afterAll(async () => {
  await fixture?.tutorial.close();
});

/** The width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe.skipIf(!hasChromium)("the tutorial page", { timeout: 90_000 }, () => {
  it("calls FirstRpc and ListValue from the browser, showing ListValue's replies as they arrive", async () => {
    // Long enough between replies that the page is seen holding some while the stream still runs.
    fixture = await startTutorialForTest({ streamIntervalMs: 300 });
    const page = await openPage(`http://127.0.0.1:${fixture.tutorial.port}/`);
    await page.setViewportSize({ width: 760, height: 640 });

    await page.fill("#first-rpc input[name=name]", "ada");
    await page.fill("#first-rpc input[name=id]", "42");
    await page.click("#first-rpc button");
    await page.waitForSelector("#first-rpc-status:has-text('done')");
    expect(await page.textContent("#first-rpc-replies")).toContain('status: 200, value: "Hello ada, id 42"');

    await page.click("#list-value button");
    // The first reply is on the page while the call is still running: nothing waits for the end.
    await page.waitForFunction(`document.querySelectorAll("#list-value-replies li").length >= 1 && document.getElementById("list-value-status").textContent === "calling…"`);
    await page.waitForSelector("#list-value-status:has-text('done')");
    const replies = await page.$$eval("#list-value-replies li", (items) => items.map((item) => item.textContent ?? ""));
    expect(replies.map((reply) => reply.replace(/\s+\(\+\d+ ms\)$/, ""))).toEqual(Array.from({ length: 10 }, (_, i) => `streamValue: "value ${i}"`));

    const screenshot = await page.screenshot({ fullPage: true });
    // UPDATE_SCREENSHOT=1 refreshes the README's picture. Pixels and height vary with the fonts
    // installed, so otherwise the committed picture is only checked to be this page's width.
    if (process.env["UPDATE_SCREENSHOT"] === "1") writeFileSync(SCREENSHOT, screenshot);
    expect(pngSize(readFileSync(SCREENSHOT))[0]).toBe(pngSize(screenshot)[0]);
  });

  it("shows a failed call's Connect error", async () => {
    fixture ??= await startTutorialForTest();
    const page = await openPage(`http://127.0.0.1:${fixture.tutorial.port}/`);
    await page.fill("#first-rpc input[name=id]", "not a number");
    await page.click("#first-rpc button");
    await page.waitForSelector("#first-rpc-status.error");
    expect(await page.textContent("#first-rpc-status")).toMatch(/^failed: invalid_argument: /);
  });
});
