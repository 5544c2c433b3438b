// Scripts in liveblocks under a Content-Security-Policy (docs/protocol.md, "Scripts").
//
// The server renders a block's <script nonce="…"> with the page's own nonce, so the browser runs
// it when htmx inserts the block. A browser hides the nonce attribute of every element in a page
// whose CSP came in a header (getAttribute returns "", the nonce property keeps the value), but
// not in the fragment htmx parses a frame into. htmx's morph keeps a script only when the new one
// is identical to the old, attributes included: without this, an unchanged script would differ
// by its nonce attribute and run again on every update of its block.
export function hideNonces(root, tasks) {
  // The root carries the page's nonce too: hidden there means the browser hides nonces here.
  if (!root.nonce || root.getAttribute("nonce")) return;
  for (const task of tasks) {
    for (const element of task.fragment?.querySelectorAll?.("[nonce]") ?? []) {
      const nonce = element.nonce;
      element.setAttribute("nonce", "");
      element.nonce = nonce; // the property, not the attribute, is what the CSP check reads
    }
  }
}
