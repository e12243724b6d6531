// Test helper: the browser tests' page: connect-web-calls.ts bundled by esbuild for the browser,
// and the HTML that loads it, served by an h2grpc server's httpHandler like any web app.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { PlainHttpHandler } from "../../../src/transport/plain-http.js";

const ENTRY = fileURLToPath(new URL("./connect-web-calls.ts", import.meta.url));
const HTML = '<!doctype html>\n<meta charset="utf-8">\n<title>h2grpc browser test</title>\n<script type="module" src="/calls.js"></script>\n';

let bundle: Promise<string> | undefined;

/** The page script, bundled once per test process. */
export function pageScript(): Promise<string> {
  bundle ??= build({ entryPoints: [ENTRY], bundle: true, format: "esm", platform: "browser", target: "chrome120", write: false, logLevel: "silent" }).then(
    (result) => result.outputFiles[0]?.text ?? "",
  );
  return bundle;
}

/** Serves the page at "/" and its script at "/calls.js". */
export async function testPageHandler(): Promise<PlainHttpHandler> {
  const script = await pageScript();
  return (request) => {
    if (request.url === "/") return { headers: { "content-type": "text/html; charset=utf-8" }, body: HTML };
    if (request.url === "/calls.js") return { headers: { "content-type": "text/javascript; charset=utf-8" }, body: script };
    return undefined;
  };
}
