// The tutorial's page (web/index.html and web/app.js), served on the gRPC port by the server's
// httpHandler: open http://127.0.0.1:50051/ and call FirstRpc and ListValue from the browser.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { PlainHttpHandler, PlainHttpResponse } from "h2grpc";
import { findPackageRoot } from "./tutorial-paths.js";

const FILES: Readonly<Record<string, readonly [file: string, contentType: string]>> = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/app.js": ["app.js", "text/javascript; charset=utf-8"],
};

/** Serves the page and its script (read once, when the server starts); anything else is 404. */
export function tutorialPage(): PlainHttpHandler {
  const dir = path.join(findPackageRoot(), "examples", "tutorial", "web");
  const responses = new Map<string, PlainHttpResponse>();
  for (const [url, [file, contentType]] of Object.entries(FILES)) {
    responses.set(url, { headers: { "content-type": contentType, "cache-control": "no-cache" }, body: readFileSync(path.join(dir, file)) });
  }
  return (request) => responses.get(request.url.split("?")[0] ?? "/");
}
