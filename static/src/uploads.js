// Live file uploads (docs/howto/uploads.md). A file input of a live form (the server marks it
// data-live-upload="<route>") uploads each chosen file as soon as it is chosen: a check of its
// name and size, then the file by XHR, with progress. Then the input fires live:uploaded, its
// hx-trigger, and sends `validate`, so the field's errors show live. A submit waits for them.
import { progressDetail, readAnswer, tokenOf, uploadHeaders } from "./upload_protocol.js";

const INPUT = "input[type=file][data-live-upload]";
const STATE = "data-live-upload-state"; // uploading | done | refused | failed
const PROGRESS = "--live-upload-progress"; // 0 … 1, on the input
// The default look while a file goes up: the input fills from the left. A page styles its own
// with [data-live-upload-state] and var(--live-upload-progress), or listens to the events.
const DEFAULT_LOOK =
  "linear-gradient(to right, rgba(37, 99, 235, 0.25) calc(var(--live-upload-progress, 0) * 100%), transparent 0)";

const running = new Map(); // input -> { abort(), done: Promise }

function emit(target, name, detail) {
  target.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
}

function csrfOf(input) {
  const field = input.form?.querySelector("input[name=csrfmiddlewaretoken]");
  if (field?.value) return field.value;
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

function show(input, state, share) {
  input.setAttribute(STATE, state);
  input.style.setProperty(PROGRESS, String(share));
  if (!input.hasAttribute("data-live-upload-plain")) input.style.backgroundImage = DEFAULT_LOOK;
}

function check(url, headers, signal) {
  return fetch(url, { method: "POST", headers, credentials: "same-origin", signal }).then(
    async (response) => readAnswer(response.status, await response.text()),
  );
}

function send(url, headers, file, onProgress, signal) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener("progress", (e) => onProgress(e.loaded, e.total));
    xhr.addEventListener("load", () => resolve(readAnswer(xhr.status, xhr.responseText)));
    xhr.addEventListener("error", () => resolve(readAnswer(0, "")));
    xhr.addEventListener("abort", () => resolve({ ok: false, aborted: true, errors: [] }));
    signal.addEventListener("abort", () => xhr.abort());
    const body = new FormData();
    body.append("file", file);
    xhr.send(body);
  });
}

async function uploadFiles(root, input, signal) {
  const url = input.getAttribute("data-live-upload");
  const field = input.name;
  const token = tokenOf(root.getAttribute("hx-ws:connect"));
  // As for its events: the files of a live component's form are that component's.
  const component = input.closest("[data-live-component]")?.dataset.liveComponent;
  const csrf = csrfOf(input);
  const files = [...input.files];
  let answer = { ok: true };
  if (!files.length) {
    // The user emptied the input: the server forgets the field's files (and any refusal).
    const empty = { name: "", size: 0 };
    const headers = uploadHeaders({ token, field, file: empty, step: "clear", csrf, component });
    await check(url, headers, signal).catch(() => null);
    input.removeAttribute(STATE);
    input.style.removeProperty(PROGRESS);
    emit(input, "live:uploaded", { field, ok: true, errors: [] });
    return;
  }
  show(input, "uploading", 0);
  for (const [index, file] of files.entries()) {
    const base = { token, field, file, append: index > 0, csrf, component };
    try {
      answer = await check(url, uploadHeaders({ ...base, step: "check" }), signal);
    } catch {
      answer = signal.aborted ? { ok: false, aborted: true } : readAnswer(0, "");
    }
    if (!answer.ok) break;
    answer = await send(url, uploadHeaders({ ...base, step: "send" }), file, (loaded, sent) => {
      const detail = progressDetail(field, file, loaded, sent);
      show(input, "uploading", (index + detail.loaded / Math.max(1, detail.total)) / files.length);
      emit(input, "live:upload-progress", detail);
    }, signal);
    if (answer.tooLarge) {
      // A proxy's limit, not the network: the field says so (kept by the server for validate).
      const told = await check(url, uploadHeaders({ ...base, step: "too_large" }), signal).catch(
        () => null,
      );
      if (told?.refused) answer = told;
    }
    if (!answer.ok) break;
  }
  if (answer.aborted) return; // a newer choice replaced this one
  const state = answer.ok ? "done" : answer.refused ? "refused" : "failed";
  if (!answer.ok) console.warn(`live_views: upload ${state}:`, ...answer.errors);
  show(input, state, answer.ok ? 1 : 0);
  // The server has recorded why a file was refused: validate shows it as the field's error.
  emit(input, "live:uploaded", { field, ok: answer.ok, errors: answer.errors ?? [] });
}

function start(input) {
  const root = input.closest("[data-live-root]");
  if (!root) return;
  running.get(input)?.abort();
  const controller = new AbortController();
  const done = uploadFiles(root, input, controller.signal).finally(() => {
    if (running.get(input)?.done === done) running.delete(input);
  });
  running.set(input, { abort: () => controller.abort(), done });
}

document.addEventListener("change", (evt) => {
  if (evt.target.matches?.(INPUT)) start(evt.target);
});

// Files chosen while this script was still loading (a slow network) had no one to hear their
// change: they go up now, and a submit from here on (or one made meanwhile, lazy_uploads.js)
// waits for them.
for (const input of document.querySelectorAll(INPUT)) if (input.files.length) start(input);

// A live form's submit waits for its files: it goes on the socket once they are all up. A file
// whose upload failed (a network error) is tried once more first; failing again, the submit goes
// and the field says the file did not upload (lazy_uploads.js, unsentFiles).
const resubmitting = new WeakSet();

document.addEventListener(
  "submit",
  (evt) => {
    const form = evt.target;
    if (!form.matches?.("[data-live-form]")) return;
    if (!resubmitting.delete(form)) {
      for (const input of form.querySelectorAll(INPUT)) {
        if (input.files.length && input.getAttribute(STATE) === "failed") start(input);
      }
    }
    const waiting = [...running].filter(([input]) => input.form === form).map(([, r]) => r.done);
    if (!waiting.length) return;
    evt.preventDefault();
    evt.stopImmediatePropagation();
    const submitter = evt.submitter;
    Promise.allSettled(waiting).then(() => {
      resubmitting.add(form);
      form.requestSubmit(submitter ?? undefined);
    });
  },
  true,
);

// A reset live form (reset_form() on the server) empties its file inputs: their upload state
// and progress go too, and an upload still under way stops. Nothing is sent: the server has
// used up or dropped the form's files.
document.addEventListener("reset", (evt) => {
  for (const input of evt.target.querySelectorAll?.(INPUT) ?? []) {
    running.get(input)?.abort();
    running.delete(input);
    input.removeAttribute(STATE);
    input.style.removeProperty(PROGRESS);
  }
});

// A drop zone (Phoenix's phx-drop-target): files dropped on an element with
// data-live-drop-target="<the input's id>" are chosen in that live file input, as if picked in
// its dialog, so they go up as any choice does. While files are dragged over it the zone has the
// class live-drop-active. Outside zones the browser does what it always does with a drop.
const ZONE = "[data-live-drop-target]";
const ACTIVE = "live-drop-active";

function zoneOf(evt) {
  const zone = evt.target.closest?.(ZONE);
  return zone && evt.dataTransfer?.types.includes("Files") ? zone : null;
}

// The input of the zone's own component (or, outside components, of the page): a component
// rendered twice renders its ids twice, and the first of them is another component's input.
function inputOf(zone) {
  const id = zone.getAttribute("data-live-drop-target");
  const owner = zone.closest("[data-live-component]");
  for (const input of (owner ?? document).querySelectorAll(INPUT)) {
    if (input.id === id && input.closest("[data-live-component]") === owner) return input;
  }
  console.warn("live_views: data-live-drop-target names no live file input of its component:", zone);
  return null;
}

for (const name of ["dragenter", "dragover"]) {
  document.addEventListener(name, (evt) => {
    const zone = zoneOf(evt);
    if (!zone) return;
    evt.preventDefault(); // the browser's own: open the file in place of the page
    zone.classList.add(ACTIVE);
  });
}

document.addEventListener("dragleave", (evt) => {
  const zone = zoneOf(evt);
  if (zone && !zone.contains(evt.relatedTarget)) zone.classList.remove(ACTIVE);
});

document.addEventListener("drop", (evt) => {
  const zone = zoneOf(evt);
  if (!zone) return;
  evt.preventDefault();
  zone.classList.remove(ACTIVE);
  const input = inputOf(zone);
  if (!input || input.disabled) return;
  // An input without `multiple` takes one file, as its dialog would.
  const chosen = new DataTransfer();
  for (const file of [...evt.dataTransfer.files].slice(0, input.multiple ? undefined : 1)) chosen.items.add(file);
  input.files = chosen.files;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new Event("change", { bubbles: true }));
});
