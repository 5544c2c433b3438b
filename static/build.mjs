// Builds live_views/static/live_views/ from the pinned npm packages: same inputs, same bytes.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { minify } from "terser";
import { CLOSE, FRAME } from "./src/protocol.js";

const here = (path) => new URL(path, import.meta.url);
const outDir = here("../live_views/static/live_views/");
const versionOf = (name) => JSON.parse(readFileSync(here(`node_modules/${name}/package.json`))).version;
const htmxVersion = versionOf("htmx.org");
const esbuildVersion = versionOf("esbuild");

// Our source maps are not shipped, so their references would only 404.
const withoutSourceMap = (code) => code.replace(/^\/\/# sourceMappingURL=.*$\n?/gm, "").trimEnd();
const vendored = (path) => withoutSourceMap(readFileSync(here(`node_modules/htmx.org/dist/${path}`), "utf8"));

// The package version the bundle is built for: the client reports it and warns on a mismatch.
const packageVersion = readFileSync(here("../live_views/version.py"), "utf8").match(
  /^__version__ = "([^"]+)"$/m,
)[1];

// The protocol's names are written where they are used: FRAME.REF becomes "ref" in the bundles
// (protocol.js's tables stay the one definition, and are dropped from the bundles as unused).
// esbuild inlines only constants of up to 3 characters; this saves ~350 B gzipped on every page.
const tables = { CLOSE, FRAME };
const wireNames = {
  name: "wire-names",
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/][^\\/]+\.js$/ }, ({ path }) => ({
      loader: "js",
      contents: readFileSync(path, "utf8").replace(/\b(CLOSE|FRAME)\.([A-Z_]+)\b/g, (_, table, name) => {
        if (!Object.hasOwn(tables[table], name)) throw new Error(`${path}: ${table}.${name} is not in protocol.js`);
        return JSON.stringify(tables[table][name]);
      }),
    }));
  },
};

const build = (entry) =>
  esbuild.build({
    entryPoints: [fileURLToPath(here(entry))],
    bundle: true,
    format: "iife",
    minify: true,
    target: "es2022", // htmx 4 itself needs private class fields
    legalComments: "none",
    define: { LIVE_VIEWS_VERSION: JSON.stringify(packageVersion) },
    write: false,
    plugins: [wireNames],
  });

// Every page loads the glue: terser's second look at esbuild's output saves ~170 B gzipped more
// (two passes; its default, safe compress options).
const glue = (
  await minify(withoutSourceMap((await build("src/live_views.js")).outputFiles[0].text), {
    ecma: 2022,
    compress: { passes: 2 },
    format: { comments: false },
  })
).code;
// Live uploads: loaded by the glue only on pages that show a live form's file input.
const uploads = await build("src/uploads.js");
// Hooks, JS commands, removal transitions and the focus wrap: loaded by the glue only on pages
// that show an element with data-live-hook, data-live-js, data-live-remove or
// data-live-focus-wrap (one test for all four keeps the main bundle small).
const hooks = await build("src/hooks.js");
const commands = await build("src/commands.js");
// Navigation between live pages: loaded on the first visit.
const navigate = await build("src/visit.js");
// Streams: loaded by the glue only on pages that show a stream.
const streams = await build("src/streams_script.js");
// live_every's ticks: loaded for a page whose join asks for them.
const polling = await build("src/polling.js");
// The HTTP transport: loaded for a page whose socket cannot open, or a project on HTTP only.
const http = await build("src/http.js");
// Development tools ({% live_scripts %} adds them when DEBUG is on): never shipped to users.
const dev = await build("src/dev.js");

// No banner: VERSIONS.json beside the bundle names what it holds (every byte here is every page's).
const bundle = [
  vendored("htmx.min.js"),
  vendored("ext/hx-ws.min.js"),
  glue,
].join("\n") + "\n";

mkdirSync(outDir, { recursive: true });
writeFileSync(new URL("live_views.min.js", outDir), bundle);
const devBundle = withoutSourceMap(dev.outputFiles[0].text) + "\n";
const uploadsBundle = withoutSourceMap(uploads.outputFiles[0].text) + "\n";
writeFileSync(new URL("live_views.uploads.min.js", outDir), uploadsBundle);
const hooksBundle = [hooks, commands].map((part) => withoutSourceMap(part.outputFiles[0].text)).join("\n") + "\n";
writeFileSync(new URL("live_views.hooks.min.js", outDir), hooksBundle);
const navigateBundle = withoutSourceMap(navigate.outputFiles[0].text) + "\n";
writeFileSync(new URL("live_views.navigate.min.js", outDir), navigateBundle);
const streamsBundle = withoutSourceMap(streams.outputFiles[0].text) + "\n";
writeFileSync(new URL("live_views.streams.min.js", outDir), streamsBundle);
const pollingBundle = withoutSourceMap(polling.outputFiles[0].text) + "\n";
writeFileSync(new URL("live_views.polling.min.js", outDir), pollingBundle);
writeFileSync(new URL("live_views.dev.min.js", outDir), devBundle);
const httpBundle = withoutSourceMap(http.outputFiles[0].text) + "\n";
writeFileSync(new URL("live_views.http.min.js", outDir), httpBundle);
const versions = { esbuild: esbuildVersion, "htmx.org": htmxVersion, terser: versionOf("terser") }; // keys sorted

// The sample site's chart demo: uPlot, bundled on its own (never into live_views.min.js).
const demoDir = here("../sample_site/demo/static/demo/");
const chart = await build("demo/chart.js");
mkdirSync(demoDir, { recursive: true });
writeFileSync(new URL("chart.min.js", demoDir), withoutSourceMap(chart.outputFiles[0].text) + "\n");
writeFileSync(new URL("uPlot.min.css", demoDir), readFileSync(here("node_modules/uplot/dist/uPlot.min.css")));
writeFileSync(new URL("VERSIONS.json", outDir), JSON.stringify(versions, null, 2) + "\n");

const size = (text) => `${Buffer.byteLength(text)} B raw, ${gzipSync(text, { level: 9 }).length} B gzip`;
console.log(`live_views.min.js: ${size(bundle)} (glue alone: ${size(glue)})`);
console.log(`live_views.uploads.min.js (pages with a live file input): ${size(uploadsBundle)}`);
console.log(`live_views.hooks.min.js (pages with a data-live-hook, -js, -remove or -focus-wrap): ${size(hooksBundle)}`);
console.log(`live_views.navigate.min.js (on the first live navigation): ${size(navigateBundle)}`);
console.log(`live_views.streams.min.js (pages with a stream): ${size(streamsBundle)}`);
console.log(`live_views.polling.min.js (pages with live_every): ${size(pollingBundle)}`);
console.log(`live_views.http.min.js (pages on the HTTP transport): ${size(httpBundle)}`);
console.log(`live_views.dev.min.js (DEBUG only): ${size(devBundle)}`);
console.log(`sample_site demo chart.min.js (uPlot ${versionOf("uplot")}): ${size(chart.outputFiles[0].text)}`);
