// Builds live_views/static/live_views/ from the pinned npm packages: same inputs, same bytes.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const here = (path) => new URL(path, import.meta.url);
const outDir = here("../live_views/static/live_views/");
const versionOf = (name) => JSON.parse(readFileSync(here(`node_modules/${name}/package.json`))).version;
const htmxVersion = versionOf("htmx.org");
const esbuildVersion = versionOf("esbuild");

// Our source maps are not shipped, so their references would only 404.
const withoutSourceMap = (code) => code.replace(/^\/\/# sourceMappingURL=.*$\n?/gm, "").trimEnd();
const vendored = (path) => withoutSourceMap(readFileSync(here(`node_modules/htmx.org/dist/${path}`), "utf8"));

const glue = await esbuild.build({
  entryPoints: [fileURLToPath(here("src/live_views.js"))],
  bundle: true,
  format: "iife",
  minify: true,
  target: "es2022", // htmx 4 itself needs private class fields
  legalComments: "none",
  write: false,
});

const bundle = [
  `/*! django-live-views glue | htmx.org ${htmxVersion} + hx-ws */`,
  vendored("htmx.min.js"),
  vendored("ext/hx-ws.min.js"),
  withoutSourceMap(glue.outputFiles[0].text),
].join("\n") + "\n";

mkdirSync(outDir, { recursive: true });
writeFileSync(new URL("live_views.min.js", outDir), bundle);
const versions = { esbuild: esbuildVersion, "htmx.org": htmxVersion }; // keys sorted
writeFileSync(new URL("VERSIONS.json", outDir), JSON.stringify(versions, null, 2) + "\n");

const size = (text) => `${Buffer.byteLength(text)} B raw, ${gzipSync(text, { level: 9 }).length} B gzip`;
console.log(`live_views.min.js: ${size(bundle)} (glue alone: ${size(glue.outputFiles[0].text)})`);
