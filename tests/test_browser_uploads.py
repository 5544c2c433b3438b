"""Live file uploads in real Chromium against sample_site's attachments page (Playwright's
set_input_files): upload on choice with progress, refusals shown live, submit, JS off."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser_fixtures import CONNECTED, HeldSockets, wait_until
from tests.test_browser import assert_no_errors

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser

INPUT = "#id_attachments"


def file(name, content, mime="text/plain"):
    return {"name": name, "mimeType": mime, "buffer": content}


def open_attachments(page):
    page.goto("/attachments/")
    page.wait_for_selector(CONNECTED)


def expect_sent(page, text):
    """The submit went through: the sent page lists ``text`` among the files."""
    expect(page).to_have_url(re.compile(r"/attachments/sent/\?"))
    expect(page.locator("#sent")).to_contain_text(text)


def upload_posts(page):
    """Every request to the upload route, as (step, name)."""
    seen = []

    def record(request):
        if request.url.endswith("/live/upload/"):
            headers = request.headers
            seen.append((headers.get("x-live-upload-step"), headers.get("x-live-upload-name")))

    page.on("request", record)
    return seen


def test_chosen_files_upload_with_progress_and_reach_form_valid(page, page_log):
    open_attachments(page)
    posts = upload_posts(page)
    page.evaluate(
        """() => { window.progress = [];
        document.addEventListener('live:upload-progress',
                                  (e) => window.progress.push(e.detail)); }"""
    )

    page.set_input_files(INPUT, [file("notes.txt", b"n" * 300_000), file("b.txt", b"bee")])

    pending = page.locator("#lv-pending li")
    expect(pending).to_have_count(2)
    expect(pending.first).to_contain_text("notes.txt")
    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")
    last = page.evaluate("window.progress.filter(d => d.name === 'notes.txt').at(-1)")
    assert last == {
        "field": "attachments",
        "name": "notes.txt",
        "loaded": 300_000,
        "total": 300_000,
        "ref": last["ref"],  # what a remove button names it by (test_browser_upload_cancel.py)
    }
    first = page.evaluate("window.progress.find(d => d.name === 'notes.txt')")
    assert first == {**last, "loaded": 0}  # from the start, before a byte is sent
    progress = page.eval_on_selector(
        INPUT, "el => el.style.getPropertyValue('--live-upload-progress')"
    )
    assert progress == "1"
    assert posts == [
        ("check", "notes.txt"),
        ("send", "notes.txt"),
        ("check", "b.txt"),
        ("send", "b.txt"),
    ]

    page.fill("#id_subject", "Quarterly report")
    page.click("button[type=submit]")

    expect(page).to_have_url(re.compile(r"/attachments/sent/\?"))
    expect(page.locator("#sent li")).to_have_count(2)
    expect(page.locator("#sent")).to_contain_text("notes")
    assert_no_errors(page_log)


def test_a_refused_type_is_a_live_error_and_its_bytes_are_never_sent(page):
    open_attachments(page)
    posts = upload_posts(page)

    page.set_input_files(INPUT, [file("tool.exe", b"MZ" * 1000, "application/octet-stream")])

    errors = page.locator("#lv-field-attachments .errorlist")
    expect(errors).to_contain_text("“exe” is not allowed")
    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "refused")
    assert posts == [("check", "tool.exe")]

    page.set_input_files(INPUT, [file("ok.txt", b"fine")])
    expect(errors).to_have_count(0)
    expect(page.locator("#lv-pending li")).to_have_count(1)


def slow_file_sends(page, ms):
    """Hold each file's XHR for ``ms`` before it goes: a slow network, so that a test can be
    sure to act while the upload is under way."""
    page.evaluate(
        """(ms) => { const send = XMLHttpRequest.prototype.send;
        XMLHttpRequest.prototype.send = function (body) {
          setTimeout(() => send.call(this, body), ms); }; }""",
        ms,
    )


def test_a_submit_right_after_choosing_waits_for_the_upload(page):
    open_attachments(page)
    slow_file_sends(page, 800)
    page.fill("#id_subject", "Fast")

    page.set_input_files(INPUT, [file("big.txt", b"x" * 3_000_000)])
    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "uploading")
    page.click("button[type=submit]")

    expect_sent(page, "big")


def open_attachments_with_the_upload_script_held(page):
    """A slow network: the page is live, and live_views.uploads.min.js still on its way until
    the function returned is called."""
    held = []
    page.route("**/live_views.uploads.min.js", lambda route: held.append(route))
    page.goto("/attachments/", wait_until="domcontentloaded")
    page.wait_for_selector(CONNECTED)
    assert len(held) == 1

    def release():
        held[0].continue_()

    return release


def test_files_chosen_before_the_upload_script_ran_go_up_once_it_has(page):
    # A slow network: the page is live and the file chosen before live_views.uploads.min.js
    # arrives, so no one heard the input's change. Before, the file never went up and the
    # submit that followed said the field was required.
    release_script = open_attachments_with_the_upload_script_held(page)
    page.fill("#id_subject", "Early")
    page.set_input_files(INPUT, [file("early.txt", b"e" * 1000)])

    release_script()

    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")
    expect(page.locator("#lv-pending li")).to_contain_text("early.txt")
    page.click("button[type=submit]")
    expect_sent(page, "early")


def test_a_submit_before_the_upload_script_ran_waits_for_it_and_for_the_upload(page):
    # The same slow network, and a user quicker still: the form is sent before the script came.
    # Sent then, it went without the file: "This field is required", or for a form whose file
    # is optional, a valid submit that lost it.
    release_script = open_attachments_with_the_upload_script_held(page)
    page.fill("#id_subject", "Quick")
    page.set_input_files(INPUT, [file("quick.txt", b"q" * 1000)])
    page.click("button[type=submit]")
    page.wait_for_timeout(300)  # time for a submit to be answered, had it gone
    assert page.url.endswith("/attachments/")
    expect(page.locator("#lv-field-attachments .errorlist")).to_have_count(0)

    release_script()

    expect_sent(page, "quick")


UNSENT = "did not upload"


def failing_file_sends(page, times):
    """The first ``times`` file sends fail as a dropped connection would (the check before each
    goes through); the sends they made are counted in the list returned."""
    sends = []

    def route(route):
        if route.request.headers.get("x-live-upload-step") != "send":
            return route.continue_()
        sends.append(route.request.headers.get("x-live-upload-name"))
        if len(sends) <= times:
            return route.abort("connectionreset")
        return route.continue_()

    page.route("**/live/upload/", route)
    return sends


def test_a_failed_upload_is_tried_again_on_submit(page):
    open_attachments(page)
    sends = failing_file_sends(page, 1)
    page.fill("#id_subject", "Flaky")

    page.set_input_files(INPUT, [file("flaky.txt", b"f" * 1000)])
    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "failed")
    page.click("button[type=submit]")

    expect_sent(page, "flaky")
    assert sends == ["flaky.txt", "flaky.txt"]


def test_a_file_that_will_not_upload_is_an_error_on_its_field_not_a_lost_file(page):
    # Before, the submit went without it: here "This field is required", and for an optional
    # field a valid submit that lost the file unseen.
    open_attachments(page)
    sends = failing_file_sends(page, 100)
    page.fill("#id_subject", "Offline")

    page.set_input_files(INPUT, [file("offline.txt", b"o" * 1000)])
    errors = page.locator("#lv-field-attachments .errorlist")
    expect(errors).to_contain_text(UNSENT)  # shown as soon as it failed: the user was there
    page.click("button[type=submit]")

    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "failed")
    expect(errors).to_contain_text(UNSENT)
    expect(errors).not_to_contain_text("required")
    page.wait_for_timeout(300)  # time for another retry or a redirect, had either come
    assert sends == ["offline.txt", "offline.txt"]  # tried once more, not over and over
    assert page.url.endswith("/attachments/")


NGINX_413 = "<html><head><title>413 Request Entity Too Large</title></head></html>"


def test_a_file_a_proxy_refuses_as_too_large_says_so_on_its_field(page):
    # nginx's client_max_body_size (1 MB unless set) below MAX_UPLOAD_BYTES: the route accepted
    # the file's size, the proxy answered its body 413 with its own page. The field said "check
    # your connection", a retry on submit failed the same, and the server's log said nothing.
    open_attachments(page)
    sends = []

    def proxy(route):
        if route.request.headers.get("x-live-upload-step") != "send":
            return route.continue_()
        sends.append(route.request.headers.get("x-live-upload-name"))
        return route.fulfill(status=413, body=NGINX_413, content_type="text/html")

    page.route("**/live/upload/", proxy)
    page.fill("#id_subject", "Big")

    page.set_input_files(INPUT, [file("big.txt", b"b" * 3000)])
    errors = page.locator("#lv-field-attachments .errorlist")
    expect(errors).to_contain_text("This file is larger than the server accepts.")
    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "refused")
    page.click("button[type=submit]")

    expect(errors).to_contain_text("larger than the server accepts")
    expect(errors).not_to_contain_text(UNSENT)
    page.wait_for_timeout(300)  # time for a retry or a redirect, had either come
    assert sends == ["big.txt"]  # no retry: the same body would meet the same limit
    assert page.url.endswith("/attachments/")


def test_a_file_chosen_when_the_upload_script_cannot_load_is_an_error_on_its_field(page):
    page.route("**/live_views.uploads.min.js", lambda route: route.fulfill(status=404))
    page.goto("/attachments/")
    page.wait_for_selector(CONNECTED)
    page.fill("#id_subject", "Stranded")

    page.set_input_files(INPUT, [file("stranded.txt", b"s" * 1000)])
    page.click("button[type=submit]")

    errors = page.locator("#lv-field-attachments .errorlist")
    expect(errors).to_contain_text(UNSENT)
    expect(errors).not_to_contain_text("required")
    assert page.url.endswith("/attachments/")


def test_without_javascript_the_files_post_over_http(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/attachments/")
    assert page.get_attribute("form", "enctype") == "multipart/form-data"

    page.fill("#id_subject", "No JS")
    page.set_input_files(INPUT, [file("plain.txt", b"plain")])
    page.click("button[type=submit]")

    expect_sent(page, "plain")


def test_emptying_the_input_clears_its_refusal(page):
    open_attachments(page)
    page.set_input_files(INPUT, [file("tool.exe", b"MZ")])
    errors = page.locator("#lv-field-attachments .errorlist")
    expect(errors).to_contain_text("is not allowed")

    page.set_input_files(INPUT, [])

    # Required and now empty: the refusal gives way to the field's own error.
    expect(errors).to_have_text("This field is required.")
    expect(page.locator(INPUT)).not_to_have_attribute("data-live-upload-state", "refused")


def test_reset_form_empties_the_pages_form_and_the_server_forgets_its_files(page, page_log):
    open_attachments(page)
    page.set_input_files(INPUT, [file("notes.txt", b"n" * 1000)])
    # Each click waits for the update before it: a block that grows or shrinks moves the button.
    expect(page.locator("#lv-pending li")).to_have_count(1)
    page.fill("#id_subject", "Quarterly")

    page.click("button[value=another]")  # form_valid() calls reset_form() and stays

    # Saved under a free name: an earlier test may have saved a notes.txt.
    expect(page.locator("#lv-sent li")).to_have_text(
        [re.compile(r"Sent: Quarterly: notes\S*\.txt")]
    )
    assert page.url.endswith("/attachments/")
    # Emptied as the server rendered it: the typed subject and the chosen file are gone.
    expect(page.locator("#id_subject")).to_have_value("")
    file_input = page.locator(INPUT)
    assert file_input.evaluate("(input) => input.files.length") == 0
    expect(file_input).not_to_have_attribute("data-live-upload-state", re.compile(".*"))
    expect(page.locator("#lv-pending li")).to_have_count(0)
    # The server forgot the file too: a submit now has none to attach.
    page.fill("#id_subject", "Again")
    page.click("button[value=another]")
    errors = page.locator("#lv-field-attachments .errorlist")
    expect(errors).to_have_text("This field is required.")
    expect(page.locator("#lv-sent li")).to_have_count(1)
    assert_no_errors(page_log)


def test_an_invalid_submit_of_a_data_live_reset_form_keeps_its_values_and_files(page, page_log):
    # data-live-reset empties a form once its event is sent; a live form's submit is validated
    # by the server first, so the form keeps what the user typed and chose while it is invalid.
    open_attachments(page)
    page.eval_on_selector("form[data-live-form]", "(form) => form.dataset.liveReset = ''")
    page.set_input_files(INPUT, [file("notes.txt", b"n" * 1000)])
    # Each click waits for the update before it: a block that grows or shrinks moves the button.
    expect(page.locator("#lv-pending li")).to_have_count(1)
    # Too long for the form, typed in without a validation (its error would move the button
    # under the click): the browser's own maxlength check is taken away, the server's counts.
    page.eval_on_selector(
        "#id_subject",
        "(input) => { input.removeAttribute('maxlength'); input.value = 's'.repeat(81) }",
    )

    page.click("button[type=submit]")

    expect(page.locator("#lv-field-subject .errorlist")).to_contain_text("at most 80 characters")
    expect(page.locator("#id_subject")).to_have_value("s" * 81)
    assert page.locator(INPUT).evaluate("(input) => input.files.length") == 1
    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")
    expect(page.locator("#lv-pending li")).to_have_count(1)
    page.fill("#id_subject", "Fixed")
    expect(page.locator("#lv-field-subject .errorlist")).to_have_count(0)
    page.click("button[type=submit]")
    expect_sent(page, "notes")
    assert_no_errors(page_log)


# -- live form components (sample_site's drop boxes) ----------------------------------------------


def box(page, ident):
    return page.locator(f'[data-live-id="{ident}"]')


def component_posts(page):
    """Every request to the upload route, as (step, component address)."""
    seen = []

    def record(request):
        if request.url.endswith("/live/upload/"):
            headers = request.headers
            seen.append((headers.get("x-live-upload-step"), headers.get("x-live-upload-component")))

    page.on("request", record)
    return seen


def test_a_components_file_uploads_into_that_component_and_reaches_its_form_valid(page, page_log):
    page.goto("/dropboxes/")
    page.wait_for_selector(CONNECTED)
    posts = component_posts(page)
    invoices, receipts = box(page, "invoices"), box(page, "receipts")
    address = invoices.get_attribute("data-live-component")

    page.set_input_files("#id_invoices-file", [file("march.txt", b"m" * 200_000)])

    expect(invoices.locator("ul").first).to_contain_text("Ready to send: march.txt")
    expect(page.locator("#id_invoices-file")).to_have_attribute("data-live-upload-state", "done")
    assert posts == [("check", address), ("send", address)]
    expect(receipts.locator("li")).to_have_count(0)  # the other box has no file

    page.fill("#id_invoices-note", "March")
    invoices.locator("button[type=submit]").click()

    expect(invoices).to_contain_text("Received March: march")
    expect(invoices.locator("text=Ready to send")).to_have_count(0)
    # reset_form(): the box shows empty, as the server rendered it, not what the user typed
    # and chose (htmx's morph keeps a field's value, and the file input is data-live-ignore).
    expect(page.locator("#id_invoices-note")).to_have_value("")
    file_input = page.locator("#id_invoices-file")
    assert file_input.evaluate("(input) => input.files.length") == 0
    expect(file_input).not_to_have_attribute("data-live-upload-state", re.compile(".*"))
    assert file_input.evaluate("(i) => i.style.getPropertyValue('--live-upload-progress')") == ""
    # A form that did not call reset_form() keeps what the user typed.
    page.fill("#id_receipts-note", "April")
    receipts.locator("button[type=submit]").click()
    expect(receipts.locator(".errorlist").first).to_contain_text("This field is required.")
    expect(page.locator("#id_receipts-note")).to_have_value("April")
    assert_no_errors(page_log)


def test_a_refused_type_is_a_live_error_of_its_component_only(page):
    page.goto("/dropboxes/")
    page.wait_for_selector(CONNECTED)

    page.set_input_files("#id_receipts-file", [file("tool.exe", b"MZ" * 100)])

    expect(box(page, "receipts").locator(".errorlist")).to_contain_text("“exe” is not allowed")
    expect(page.locator("#id_receipts-file")).to_have_attribute("data-live-upload-state", "refused")
    expect(box(page, "invoices").locator(".errorlist")).to_have_count(0)


def drag_files(page, event, names, target="#dropzone"):
    """Dispatch a drag event carrying files named ``names`` on ``target``, as the browser does
    for files dragged from the desktop; returns whether the page took it (preventDefault)."""
    return page.evaluate(
        """([event, names, target]) => {
        const files = new DataTransfer();
        for (const name of names) {
          files.items.add(new File([`${name} body`], name, { type: "text/plain" }));
        }
        return !document.querySelector(target).dispatchEvent(new DragEvent(event,
          { bubbles: true, cancelable: true, dataTransfer: files }));
        }""",
        [event, names, target],
    )


def wait_for_drop_target(page):
    """Until the upload script has run (it loads once the page shows a live file input), a drag
    over the zone is the browser's."""
    page.wait_for_function(
        """() => { const zone = document.querySelector("#dropzone");
        const files = new DataTransfer();
        files.items.add(new File(["x"], "probe.txt"));
        const taken = !zone.dispatchEvent(new DragEvent("dragover",
          { bubbles: true, cancelable: true, dataTransfer: files }));
        zone.classList.remove("live-drop-active");
        return taken; }"""
    )


def test_files_dropped_on_a_drop_target_upload_as_if_chosen(page, page_log):
    open_attachments(page)
    zone = page.locator("#dropzone")
    wait_for_drop_target(page)

    assert drag_files(page, "dragenter", ["a.txt"])
    expect(zone).to_have_class(re.compile(r"\blive-drop-active\b"))
    assert drag_files(page, "dragover", ["a.txt"])
    assert drag_files(page, "drop", ["dropped.txt", "second.txt"])

    expect(zone).not_to_have_class(re.compile(r"\blive-drop-active\b"))
    pending = page.locator("#lv-pending li")
    expect(pending).to_have_count(2)
    expect(pending.first).to_contain_text("dropped.txt")
    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")

    page.fill("#id_subject", "Dropped")
    page.click("button[type=submit]")
    expect_sent(page, "dropped")
    assert_no_errors(page_log)


def test_a_drag_that_leaves_the_drop_target_unmarks_it_and_other_drops_are_the_browsers(page):
    open_attachments(page)
    zone = page.locator("#dropzone")
    wait_for_drop_target(page)

    drag_files(page, "dragenter", ["a.txt"])
    drag_files(page, "dragleave", ["a.txt"])
    expect(zone).not_to_have_class(re.compile(r"\blive-drop-active\b"))
    # Outside a drop target the page leaves the drop to the browser.
    assert not drag_files(page, "drop", ["elsewhere.txt"], target="h1")
    expect(page.locator("#lv-pending li")).to_have_count(0)


def show_join_reply(page, held):
    """Lets the join's reply, held by ``held``, through and waits until the page shows it: the
    morph of what it re-renders (a form's CSRF token is new each render) puts the server's
    markup back over whatever the page changed before."""
    held.wait_for('"joined"')
    reply = next(json.loads(frame) for _, frame in held.waiting if '"joined"' in frame)
    held.release()
    for ident, version in re.findall(r'id="([^"]+)" data-lv-v="([^"]+)"', reply.get("content", "")):
        expect(page.locator(f'[id="{ident}"]')).to_have_attribute("data-lv-v", version)


def test_a_file_going_up_when_the_joins_reply_morphs_its_box_still_reaches_the_box(page):
    # Chosen as the page connects: the join's reply re-renders the box while the file goes up.
    held = HeldSockets(page, every=True)
    sends = []  # the file's send, held until the reply is shown

    def hold_send(route):
        if route.request.headers.get("x-live-upload-step") == "send":
            sends.append(route)
        else:
            route.continue_()

    page.route("**/live/upload/", hold_send)
    page.goto("/dropboxes/")
    page.wait_for_selector(CONNECTED)
    page.set_input_files("#id_receipts-file", [file("may.txt", b"may")])
    wait_until(page, lambda: sends, message="the file was never sent")

    show_join_reply(page, held)
    sends[0].continue_()

    expect(box(page, "receipts").locator("ul").first).to_contain_text("Ready to send: may.txt")
    expect(page.locator("#id_receipts-file")).to_have_attribute("data-live-upload-state", "done")


def test_a_drop_target_feeds_its_own_components_input_when_two_render_the_same_id(page):
    # A component rendered twice renders its fixed ids twice (a widget's id attr, markup of its
    # own). The boxes here have distinct ids; each gets the same one, and a drop target naming
    # it, once the join's reply is shown: that reply's morph puts the server's ids back, so it
    # cannot pair the renamed input and puts a new one in its place. Came after the drop (on a
    # loaded machine), the upload's end fired on the input taken out, and no one heard it.
    held = HeldSockets(page, every=True)
    page.goto("/dropboxes/")
    page.wait_for_selector(CONNECTED)
    show_join_reply(page, held)
    # Any later morph of a box puts its own ids back: given in the same task as the drop too.
    one_id = """for (const ident of ["invoices", "receipts"]) {
      const box = document.querySelector(`[data-live-id="${ident}"]`);
      box.querySelector("input[type=file]").id = "id_file";
      if (box.querySelector(`#zone-${ident}`)) continue;
      const zone = document.createElement("div");
      zone.id = `zone-${ident}`;
      zone.setAttribute("data-live-drop-target", "id_file");
      box.append(zone);
    }"""
    page.evaluate(f"() => {{ {one_id} }}")
    page.wait_for_function(
        """() => { const files = new DataTransfer();
        files.items.add(new File(["x"], "probe.txt"));
        const zone = document.querySelector("#zone-receipts");
        const taken = !zone.dispatchEvent(new DragEvent("dragover",
          { bubbles: true, cancelable: true, dataTransfer: files }));
        zone.classList.remove("live-drop-active");
        return taken; }"""
    )
    posts = component_posts(page)
    receipts = box(page, "receipts")

    assert page.evaluate(
        f"""() => {{ {one_id}
        const files = new DataTransfer();
        files.items.add(new File(["april.txt body"], "april.txt", {{ type: "text/plain" }}));
        return !document.querySelector("#zone-receipts").dispatchEvent(new DragEvent("drop",
          {{ bubbles: true, cancelable: true, dataTransfer: files }})); }}"""
    )

    expect(receipts.locator("ul").first).to_contain_text("Ready to send: april.txt")
    expect(box(page, "invoices").locator("li")).to_have_count(0)  # not the other box's
    assert {address for _step, address in posts} == {receipts.get_attribute("data-live-component")}
