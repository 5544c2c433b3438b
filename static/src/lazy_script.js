// Parts of the glue that only some pages use ship as scripts of their own, beside this one, and
// load on first use: pages that never use them never download them.
// Deferred scripts run with document.currentScript set: ours tells where the others are, beside
// it, or (a static files storage that hashes names) in its data-live-parts (render/markup.py).
const current = document.currentScript;
const here = current?.src;
const parts = JSON.parse(current?.dataset.liveParts ?? "{}");
const loading = new Map();

export function loadScript(name) {
  if (!loading.has(name)) {
    loading.set(
      name,
      new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = parts[name] ?? new URL(name, here);
        // Under a CSP the page's nonce lets it run: ours carries it ({% live_scripts %}), hidden from
        // the DOM but kept in the property, on a page that is not live (no live root) too.
        script.nonce = current?.nonce ?? "";
        script.onload = resolve;
        // The caller falls back (an ordinary load) or warns: with the address, not an Event.
        // Forgotten, so the next use fetches it again: a server away for a moment (a deploy)
        // left a page without its HTTP transport for good.
        script.onerror = () => {
          loading.delete(name);
          script.remove();
          reject(new Error(`live_views: ${script.src} did not load`));
        };
        document.head.append(script);
      }),
    );
  }
  return loading.get(name);
}

// The script `name` is loaded once the page shows what `selector` matches: its load (settled
// either way), or null while the page shows none.
export const loadIfShown = (selector, name) =>
  document.querySelector(selector) && loadScript(name).catch(console.warn);
