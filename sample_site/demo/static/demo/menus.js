// The JS commands demo's own script (demo/menus.html): it hears the event that the Copy
// button's `dispatch demo:copy to #share-url` sends from that field, and copies its value, as
// Phoenix LiveView's JS.dispatch example does. A file with the page's CSP nonce, as a strict
// script policy wants: the commands themselves need no script of the page's.
addEventListener("demo:copy", (event) => {
  const field = event.target;
  const said = document.getElementById("copied");
  // No clipboard outside a secure context (http:// on another host than localhost).
  const copying = navigator.clipboard ? navigator.clipboard.writeText(field.value) : Promise.reject();
  copying.then(
    () => (said.textContent = "Copied."),
    () => {
      field.select();
      said.textContent = "Selected: press Ctrl+C (⌘C) to copy it.";
    },
  );
});
