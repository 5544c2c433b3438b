// Live file uploads (docs/howto/uploads.md). A file input of a live form (the server marks it
// data-live-upload="<route>") uploads each chosen file as soon as it is chosen: a check of its
// name and size, then the file by XHR, with progress. Then the input fires live:uploaded, its
// hx-trigger, and sends `validate`, so the field's errors show live. A submit waits for them.
import {
  UPLOAD_CANCELLED,
  newRef,
  progressDetail,
  readAnswer,
  tokenOf,
  uploadHeaders,
} from "./upload_protocol.js";

const INPUT = "input[type=file][data-live-upload]";
const STATE = "data-live-upload-state"; // uploading | done | refused | failed
const PROGRESS = "--live-upload-progress"; // 0 … 1, on the input
// The default look while a file goes up: the input fills from the left. A page styles its own
// with [data-live-upload-state] and var(--live-upload-progress), or listens to the events.
const DEFAULT_LOOK =
  "linear-gradient(to right, rgba(37, 99, 235, 0.25) calc(var(--live-upload-progress, 0) * 100%), transparent 0)";

const running = new Map(); // input -> { abort(), done: Promise }
// input -> its chosen files, in order: [{ file, ref, index, stored, cancelled, abort() }]. The
// ref names the file to the server; a data-live-upload-cancel="<ref>" button removes it.
const chosen = new WeakMap();
// input -> the selection its `chosen` entries came from (`start`): a file put back after a
// refused remove goes back only into the selection it left, never into a newer choice.
const selections = new WeakMap();

function emit(target, name, detail) {
  target.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
}

function csrfOf(input) {
  const field = input.form?.querySelector("input[name=csrfmiddlewaretoken]");
  if (field?.value) return field.value;
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

// The input's selection becomes `entries` (no change event: nothing else goes up).
function select(input, entries) {
  chosen.set(input, entries);
  const kept = new DataTransfer();
  for (const e of entries) kept.items.add(e.file);
  input.files = kept.files;
}

function unset(input) {
  input.removeAttribute(STATE);
  input.style.removeProperty(PROGRESS);
}

// A remove the route refused for a reason other than "no such file" (a stale CSRF token, the
// page's token refused): the server still holds the file and would submit it. It goes back
// into the selection, where it was; `notRemoved` then tells the page why.
function putBack(input, entry, told) {
  if (!told?.refused || told.gone || selections.get(input) !== entry.selection) return false;
  entry.cancelled = false;
  entry.stored = true;
  select(input, [...chosen.get(input), entry].sort((a, b) => a.index - b.index));
  return true;
}

// As for a refused event: live:error on the root, after the input's own live:uploaded.
function notRemoved(input, entry, told) {
  const message = `${entry.file.name} was not removed: ${told.errors.join(" ")}`;
  console.warn(`live_views: ${message}`);
  const detail = { code: "upload_cancel_refused", message, field: input.name, ref: entry.ref };
  emit(input.closest("[data-live-root]") ?? input, "live:error", detail);
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

// `onSent`: the whole body has left. Stopped before that, the server cannot keep the file.
function send(url, headers, file, onProgress, signal, onSent) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    let sent = false; // the whole body left: stopped now, the server may keep the file all the same
    xhr.open("POST", url);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener("progress", (e) => onProgress(e.loaded, e.total));
    xhr.upload.addEventListener("load", () => onSent((sent = true)));
    xhr.addEventListener("load", () => resolve(readAnswer(xhr.status, xhr.responseText)));
    xhr.addEventListener("error", () => resolve(readAnswer(0, "")));
    const aborted = () => resolve({ ok: false, aborted: true, sent, errors: [] });
    xhr.addEventListener("abort", aborted);
    // Resolved here too: an XHR not under way yet fires no abort event.
    signal.addEventListener("abort", () => (xhr.abort(), aborted()));
    const body = new FormData();
    body.append("file", file);
    xhr.send(body);
  });
}

// Where an input's files go, and who they are from: the same for each of its requests.
function addressOf(input) {
  const root = input.closest("[data-live-root]");
  return {
    url: input.getAttribute("data-live-upload"),
    field: input.name,
    token: tokenOf(root?.getAttribute("hx-ws:connect")),
    // As for its events: the files of a live component's form are that component's.
    component: input.closest("[data-live-component]")?.dataset.liveComponent,
    csrf: csrfOf(input),
  };
}

// A step with no file: "clear" (forget the field's files) or "cancel" (forget the file `ref`).
function tell(input, step, ref, signal) {
  const { url, ...base } = addressOf(input);
  const headers = uploadHeaders({ ...base, file: { name: "", size: 0 }, step, ref });
  return check(url, headers, signal).catch(() => null);
}

async function uploadFiles(input, entries, signal) {
  const { url, field, ...address } = addressOf(input);
  let answer = { ok: true };
  if (!entries.length) {
    // The user emptied the input: the server forgets the field's files (and any refusal).
    await tell(input, "clear", undefined, signal);
    unset(input);
    emit(input, "live:uploaded", { field, ok: true, errors: [] });
    return;
  }
  show(input, "uploading", 0);
  let stored = false; // the first file kept replaces the field's earlier ones; the rest append
  for (const [index, entry] of entries.entries()) {
    if (entry.cancelled) continue;
    const { file, ref } = entry;
    // Its own signal: a remove button stops this file only, a new choice all of them.
    const own = new AbortController();
    entry.abort = () => own.abort();
    signal.addEventListener("abort", () => own.abort());
    const base = { ...address, field, file, append: stored, ref };
    // Its ref from the start: a page's own remove button may stop it before a byte is sent.
    emit(input, "live:upload-progress", progressDetail(field, file, 0, 0, ref));
    try {
      // Not stopped by a remove button (`signal`, not `own.signal`): the server may have
      // refused the file already, and so forgotten the selection's earlier files (below).
      answer = await check(url, uploadHeaders({ ...base, step: "check" }), signal);
    } catch {
      answer = signal.aborted ? { ok: false, aborted: true } : readAnswer(0, "");
    }
    if (answer.ok && !entry.cancelled) {
      answer = await send(url, uploadHeaders({ ...base, step: "send" }), file, (loaded, sent) => {
        const detail = progressDetail(field, file, loaded, sent, ref);
        show(input, "uploading", (index + detail.loaded / Math.max(1, detail.total)) / entries.length);
        emit(input, "live:upload-progress", detail);
      }, own.signal, () => (entry.bodySent = true));
    }
    if (answer.tooLarge) {
      // A proxy's limit, not the network: the field says so (kept by the server for validate).
      const told = await check(url, uploadHeaders({ ...base, step: "too_large" }), signal).catch(
        () => null,
      );
      if (told?.refused) answer = told;
    }
    if (entry.cancelled && !signal.aborted) {
      // Refused meanwhile, the server forgot the files kept before it: what is left goes up
      // again, in place of them all.
      if (answer.refused && stored) return start(input, chosen.get(input));
      // Removed while it went up: stopped, and forgotten should the server have kept it anyway.
      if ((answer.ok && entry.bodySent) || answer.sent) await (entry.told = tell(input, "cancel", ref, signal));
      answer = { ok: true };
      continue;
    }
    entry.stored = answer.ok;
    stored ||= answer.ok;
    if (!answer.ok) break;
  }
  const told = await Promise.all(entries.map((e) => e.told)); // removes meanwhile: the server has them
  if (signal.aborted) return; // a newer choice replaced this one
  const kept = entries.map((e, i) => [e, told[i]]).filter(([e, answer]) => putBack(input, e, answer));
  // A remove the server never heard (the network): it still holds that file. What is left goes
  // up again in place of all the field's files, as after a remove when nothing is going up.
  if (told.includes(null)) return start(input, chosen.get(input));
  // Every file was removed before the server kept one: it forgets the earlier choice too.
  if (answer.ok && !entries.some((e) => e.stored)) await tell(input, "clear", undefined, signal);
  const state = answer.ok ? "done" : answer.refused ? "refused" : "failed";
  if (!answer.ok) console.warn(`live_views: upload ${state}:`, ...answer.errors);
  show(input, state, answer.ok ? 1 : 0);
  // The server has recorded why a file was refused: validate shows it as the field's error.
  emit(input, "live:uploaded", { field, ok: answer.ok, errors: answer.errors ?? [] });
  for (const [entry, told] of kept) notRemoved(input, entry, told);
}

// `files`: the input's selection, or (after a remove) what is left of it, with the refs it had.
function start(input, files = [...input.files].map((file) => ({ file, ref: newRef() }))) {
  if (!input.closest("[data-live-root]")) return;
  running.get(input)?.abort();
  const controller = new AbortController();
  const selection = {};
  const entries = files.map(({ file, ref }, index) => ({ file, ref, index, selection }));
  chosen.set(input, entries);
  selections.set(input, selection);
  const done = uploadFiles(input, entries, controller.signal).finally(() => {
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
        if (input.files.length && input.getAttribute(STATE) === "failed") start(input, chosen.get(input));
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

// A remove button (Phoenix's cancel_upload): data-live-upload-cancel="<ref>", the ref of a file
// of a live file input, as {% for f in form.field|live_uploads %}{{ f.ref }} renders it (or as
// live:upload-progress tells it). The file leaves the input's selection: stopped if it is still
// going up, forgotten by the server if it was kept, and the field validates again without it.
async function cancel(ref) {
  let input, entry;
  for (const candidate of document.querySelectorAll(INPUT)) {
    entry = chosen.get(candidate)?.find((e) => e.ref === ref && !e.cancelled);
    if (entry) {
      input = candidate;
      break;
    }
  }
  if (!entry) {
    console.warn(`live_views: data-live-upload-cancel names no file chosen on this page: ${ref}`);
    return;
  }
  entry.cancelled = true;
  const entries = chosen.get(input).filter((e) => !e.cancelled);
  select(input, entries);
  if (running.has(input)) {
    // Kept already: the server forgets it (the loop waits for that before validating). Its
    // bytes all sent: the loop waits for the server's answer, then has it forget the file
    // (stopped now, it could keep the file after our word to forget it). Otherwise: stopped,
    // or skipped, and the loop goes on with the next file.
    if (entry.stored) entry.told = tell(input, "cancel", ref);
    else if (!entry.bodySent) entry.abort?.();
    return;
  }
  const state = input.getAttribute(STATE);
  if (state !== "done") {
    // A refused or failed selection: the server kept none of it. Try again without this file.
    start(input, entries); // the same refs as the page's buttons show
    return;
  }
  const told = await tell(input, "cancel", ref);
  if (putBack(input, entry, told)) return notRemoved(input, entry, told);
  if (!told?.ok && !told?.refused) {
    // No answer (the network): what is left goes up again in place of all the field's files,
    // so the server holds what the input shows; failing, the submit retries it.
    start(input, entries);
    return;
  }
  if (!chosen.get(input).length) unset(input);
  emit(input, "live:uploaded", { field: input.name, ok: true, errors: [] });
}

// A handler's cancel_upload() (a "Remove all" button's event): the server has forgotten the
// file; after its update the input drops it too, as for its own remove button, so a retry or a
// submit never sends it again. Nothing is sent: the server's render already shows the field
// without it. A file still going up is not among them (the server did not hold it yet).
document.addEventListener("live:push", (evt) => {
  const { name, payload } = evt.detail ?? {};
  if (name !== UPLOAD_CANCELLED || typeof payload?.input !== "string") return;
  let inputs = [];
  try {
    inputs = evt.target.querySelectorAll(payload.input);
  } catch {} // not a selector: nothing of ours
  for (const input of inputs) {
    const entries = chosen.get(input) ?? [];
    const gone = entries.filter((e) => payload.refs?.includes?.(e.ref) && !e.cancelled);
    if (!gone.length) continue;
    for (const e of gone) {
      e.cancelled = true;
      e.stored = false;
    }
    select(input, entries.filter((e) => !e.cancelled));
    if (!running.has(input) && !input.files.length) unset(input);
  }
});

document.addEventListener("click", (evt) => {
  const button = evt.target.closest?.("[data-live-upload-cancel]");
  if (!button) return;
  evt.preventDefault(); // a submit button's or a link's own action
  cancel(button.getAttribute("data-live-upload-cancel"));
});

// A reset live form (reset_form() on the server) empties its file inputs: their upload state
// and progress go too, and an upload still under way stops. Nothing is sent: the server has
// used up or dropped the form's files.
document.addEventListener("reset", (evt) => {
  for (const input of evt.target.querySelectorAll?.(INPUT) ?? []) {
    running.get(input)?.abort();
    running.delete(input);
    chosen.delete(input);
    unset(input);
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
