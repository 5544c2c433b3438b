"""Removing one file of a multiple selection in real Chromium, on sample_site's attachments
page: its Remove button (data-live-upload-cancel) takes it out of the input, the server forgets
it, and the submit sends only the rest; a file still going up stops."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import CONNECTED
from tests.test_browser import assert_no_errors
from tests.test_browser_uploads import INPUT, expect_sent, file, upload_posts

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser


def open_attachments(page):
    page.goto("/attachments/")
    page.wait_for_selector(CONNECTED)


def expect_pending(page, name):
    """The page lists one file still to be submitted: ``name``."""
    pending = page.locator("#lv-pending li")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text(name)


def submit_only(page, subject, name):
    """Submits the form: the view was sent one file, ``name``."""
    page.fill("#id_subject", subject)
    page.click("button[type=submit]")
    expect_sent(page, name)
    expect(page.locator("#sent li")).to_have_count(1)


def watch_refs(page):
    """Keeps each chosen file's ref, from its first live:upload-progress, for removeFile(name):
    the page's own remove button for that file (data-live-upload-cancel), clicked."""
    page.evaluate(
        """() => { window.refs = {};
        document.addEventListener('live:upload-progress',
                                  (e) => { window.refs[e.detail.name] ??= e.detail.ref; });
        window.removeFile = (name) => {
          const button = document.createElement('button');
          button.type = 'button';
          button.dataset.liveUploadCancel = window.refs[name];
          document.body.append(button);
          button.click();
        }; }"""
    )


def test_a_removed_file_leaves_the_selection_and_never_reaches_the_view(page, page_log):
    open_attachments(page)
    posts = upload_posts(page)
    page.set_input_files(INPUT, [file("keep.txt", b"kept"), file("drop.txt", b"dropped")])
    pending = page.locator("#lv-pending li")
    expect(pending).to_have_count(2)

    pending.filter(has_text="drop.txt").get_by_role("button", name="Remove drop.txt").click()

    expect_pending(page, "keep.txt")
    assert page.eval_on_selector(INPUT, "el => [...el.files].map((f) => f.name)") == ["keep.txt"]
    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")
    assert ("cancel", "") in posts
    submit_only(page, "Only one", "keep")
    expect(page.locator("#sent")).not_to_contain_text("drop")
    assert_no_errors(page_log)


def test_removing_a_file_still_going_up_stops_it_and_the_others_go_on(page, page_log):
    open_attachments(page)
    # A slow network: each file's XHR waits before it goes, and one aborted meanwhile never goes.
    page.evaluate(
        """() => { window.aborted = 0;
        const { send, abort } = XMLHttpRequest.prototype;
        XMLHttpRequest.prototype.abort = function () {
          window.aborted++; this.aborted = true; abort.call(this); };
        XMLHttpRequest.prototype.send = function (body) {
          window.sending = true;
          setTimeout(() => { if (!this.aborted) send.call(this, body); }, 1500); }; }"""
    )
    posts = upload_posts(page)
    watch_refs(page)
    # A page's own remove button for a file still going up, from live:upload-progress's ref.
    page.set_input_files(INPUT, [file("slow.txt", b"s" * 200_000), file("next.txt", b"next")])
    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "uploading")
    page.wait_for_function("() => window.sending")  # checked, its bytes about to go
    page.evaluate("removeFile('slow.txt')")

    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")
    assert page.evaluate("window.aborted") == 1
    assert ("check", "slow.txt") in posts
    assert ("send", "slow.txt") not in posts
    assert ("send", "next.txt") in posts
    expect_pending(page, "next.txt")
    submit_only(page, "Without the slow one", "next")
    assert_no_errors(page_log)


def test_removing_the_refused_file_sends_the_rest_without_it(page, page_log):
    open_attachments(page)
    watch_refs(page)
    page.set_input_files(
        INPUT, [file("ok.txt", b"fine"), file("tool.exe", b"MZ", "application/octet-stream")]
    )
    errors = page.locator("#lv-field-attachments .errorlist")
    expect(errors).to_contain_text("“exe” is not allowed")
    expect(page.locator("#lv-pending li")).to_have_count(0)  # a refusal keeps none of them

    # The page's own row for the refused file, with its ref from live:upload-progress.
    page.evaluate("removeFile('tool.exe')")

    expect(errors).to_have_count(0)
    expect_pending(page, "ok.txt")
    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")
    page.fill("#id_subject", "Without the tool")
    page.click("button[type=submit]")
    expect_sent(page, "ok")


def test_a_file_removed_once_its_bytes_are_sent_is_forgotten_when_the_server_answers(
    page, page_log
):
    # Stopped then, the server could still keep it after being told to forget it: the browser
    # waits for its answer instead, then has the server forget it.
    open_attachments(page)
    posts = upload_posts(page)
    watch_refs(page)
    page.evaluate(
        """() => { window.aborted = 0;
        const { send, abort } = XMLHttpRequest.prototype;
        XMLHttpRequest.prototype.abort = function () { window.aborted++; abort.call(this); };
        XMLHttpRequest.prototype.send = function (body) {
          // After the glue's own listener: the body has left, the answer has not come.
          this.upload.addEventListener('load', () => {
            if (body.get('file').name !== 'sent.txt') return;
            removeFile('sent.txt');
          });
          send.call(this, body); }; }"""
    )

    page.set_input_files(INPUT, [file("sent.txt", b"s" * 100_000), file("other.txt", b"o")])

    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")
    expect_pending(page, "other.txt")
    assert page.evaluate("window.aborted") == 0
    assert posts[:3] == [("check", "sent.txt"), ("send", "sent.txt"), ("cancel", "")]
    submit_only(page, "Only the other", "other")
    assert_no_errors(page_log)


def test_removing_a_file_the_server_refuses_meanwhile_keeps_the_files_before_it(page, page_log):
    # The server refuses tool.exe (and so forgets keep.txt, sent before it in the selection)
    # while the user removes it: its answer has not come yet. keep.txt must still be sent.
    open_attachments(page)
    watch_refs(page)
    page.evaluate(
        """() => {
        const real = window.fetch;
        window.fetch = async (url, options = {}) => {
          const headers = options.headers ?? {};
          const response = await real(url, options);
          const step = headers['X-Live-Upload-Step'], name = headers['X-Live-Upload-Name'];
          if (step !== 'check' || name !== 'tool.exe') return response;
          // The server has answered (and recorded the refusal); the answer is still on its way.
          removeFile('tool.exe');
          await new Promise((resolve) => setTimeout(resolve, 200));
          if (options.signal?.aborted) throw new DOMException('aborted', 'AbortError');
          return response;
        }; }"""
    )

    page.set_input_files(
        INPUT, [file("keep.txt", b"kept"), file("tool.exe", b"MZ", "application/octet-stream")]
    )

    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")
    expect_pending(page, "keep.txt")
    expect(page.locator("#lv-field-attachments .errorlist")).to_have_count(0)
    page.fill("#id_subject", "Keep the first")
    page.click("button[type=submit]")
    expect_sent(page, "keep")


def test_a_remove_the_server_never_heard_while_others_go_up_is_not_submitted(page, page_log):
    # keep.txt is up, slow.txt still going up, when the user removes keep.txt: the network
    # loses that word. The server must not go on holding (and the submit send) keep.txt.
    open_attachments(page)
    posts = upload_posts(page)
    watch_refs(page)
    page.evaluate(
        """() => {
        const real = window.fetch;
        window.lost = 0;
        window.fetch = (url, options = {}) => {
          if (options.headers?.['X-Live-Upload-Step'] === 'cancel' && !window.lost++)
            return Promise.reject(new TypeError('Failed to fetch'));
          return real(url, options);
        };
        const { send } = XMLHttpRequest.prototype;
        XMLHttpRequest.prototype.send = function (body) {
          if (body.get('file').name !== 'slow.txt' || window.slowSent) return send.call(this, body);
          window.slowSent = true;
          removeFile('keep.txt');
          setTimeout(() => send.call(this, body), 500); }; }"""
    )

    page.set_input_files(INPUT, [file("keep.txt", b"kept"), file("slow.txt", b"slow")])

    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")
    assert page.evaluate("window.lost") == 1
    expect_pending(page, "slow.txt")
    assert page.eval_on_selector(INPUT, "el => [...el.files].map((f) => f.name)") == ["slow.txt"]
    assert posts.count(("send", "slow.txt")) == 2  # then again, alone, in place of both
    submit_only(page, "Only the slow one", "slow")


def selected(page) -> list[str]:
    return page.eval_on_selector(INPUT, "el => [...el.files].map((f) => f.name)")


def test_a_handlers_cancel_upload_drops_the_files_from_the_input_too(page, page_log):
    # "Remove all" is the view's own event, which calls cancel_upload() per file: after its
    # update the input no longer holds them, so nothing sends or shows them again.
    page.goto("/attachments/")
    page.wait_for_selector(CONNECTED)
    posts = upload_posts(page)
    page.set_input_files(INPUT, [file("a.txt", b"alpha"), file("b.txt", b"beta")])
    pending = page.locator("#lv-pending li")
    expect(pending).to_have_count(2)

    page.get_by_role("button", name="Remove all").click()

    expect(pending).to_have_count(0)
    expect(page.get_by_role("button", name="Remove all")).to_have_count(0)
    page.wait_for_function(f"() => !document.querySelector('{INPUT}').files.length")
    expect(page.locator(INPUT)).not_to_have_attribute("data-live-upload-state", "done")
    assert ("cancel", "") not in posts  # the server has forgotten them already
    page.fill("#id_subject", "No files")
    page.click("button[type=submit]")
    expect(page.locator("#lv-field-attachments .errorlist")).to_contain_text("required")
    assert [p for p in posts if p[0] == "send"] == [("send", "a.txt"), ("send", "b.txt")]

    # A later choice goes up alone, as if the input had been emptied by hand.
    page.set_input_files(INPUT, [file("c.txt", b"gamma")])
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("c.txt")
    page.click("button[type=submit]")
    expect_sent(page, "c")
    expect(page.locator("#sent li")).to_have_count(1)
    assert_no_errors(page_log)


def test_a_remove_the_route_refuses_keeps_the_file_and_says_why(page, page_log):
    # A stale CSRF token: the route answers 403 and forgets nothing. The file stays chosen and
    # listed, and the page hears why (live:error; the demo shows it in its status line).
    page.goto("/attachments/")
    page.wait_for_selector(CONNECTED)
    page.set_input_files(INPUT, [file("keep.txt", b"kept"), file("drop.txt", b"dropped")])
    pending = page.locator("#lv-pending li")
    expect(pending).to_have_count(2)
    csrf = page.eval_on_selector("[name=csrfmiddlewaretoken]", "el => el.value")
    page.eval_on_selector("[name=csrfmiddlewaretoken]", "el => { el.value = 'x'.repeat(64); }")
    remove = pending.filter(has_text="drop.txt").get_by_role("button", name="Remove drop.txt")

    with page.expect_response(lambda r: r.url.endswith("/live/upload/") and r.status == 403):
        remove.click()

    status = page.locator("#upload-status")
    expect(status).to_contain_text("drop.txt was not removed: CSRF verification failed")
    assert selected(page) == ["keep.txt", "drop.txt"]
    expect(pending).to_have_count(2)
    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")

    # The same button works once the token is right again.
    page.eval_on_selector("[name=csrfmiddlewaretoken]", f"el => {{ el.value = '{csrf}'; }}")
    remove.click()
    expect(pending).to_have_count(1)
    assert selected(page) == ["keep.txt"]
    page.fill("#id_subject", "Only one")
    page.click("button[type=submit]")
    expect_sent(page, "keep")
    expect(page.locator("#sent li")).to_have_count(1)
    assert_only_the_refusal(page_log)


def assert_only_the_refusal(page_log):
    """The browser logs the route's 403 as a failed resource; nothing else went wrong."""
    assert page_log.errors == [
        "console.error: Failed to load resource: the server responded with a status of 403 "
        "(Forbidden)"
    ]


def test_a_remove_refused_while_others_go_up_keeps_the_file(page, page_log):
    # keep.txt is up and slow.txt still going up when the user removes keep.txt with a stale
    # CSRF token: the server keeps keep.txt, so the selection does too, and both are sent.
    page.goto("/attachments/")
    page.wait_for_selector(CONNECTED)
    watch_refs(page)
    page.evaluate(
        """() => {
        const { send } = XMLHttpRequest.prototype;
        XMLHttpRequest.prototype.send = function (body) {
          if (body.get('file').name !== 'slow.txt') return send.call(this, body);
          const csrf = document.querySelector('[name=csrfmiddlewaretoken]');
          const good = csrf.value;
          csrf.value = 'x'.repeat(64);
          removeFile('keep.txt');
          setTimeout(() => { csrf.value = good; send.call(this, body); }, 500); }; }"""
    )

    page.set_input_files(INPUT, [file("keep.txt", b"kept"), file("slow.txt", b"slow")])

    expect(page.locator(INPUT)).to_have_attribute("data-live-upload-state", "done")
    assert selected(page) == ["keep.txt", "slow.txt"]
    expect(page.locator("#upload-status")).to_contain_text("keep.txt was not removed")
    pending = page.locator("#lv-pending li")
    expect(pending).to_have_count(2)
    page.fill("#id_subject", "Both")
    page.click("button[type=submit]")
    expect_sent(page, "keep")
    expect(page.locator("#sent li")).to_have_count(2)
    assert_only_the_refusal(page_log)
