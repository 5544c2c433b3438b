"""A failed submit focuses the first field in error of the form that was submitted, as the
browser finds the frame's selector in the page: not a field of the same id or name that a
component shows earlier on the page, nor one of a component inside the form's own component."""

from __future__ import annotations

import pytest
from django.urls import path

from tests.test_docs import readme_site

pytestmark = pytest.mark.browser  # Chromium reads the selector, as the glue's querySelector

VIEWS = """
from django import forms
from live_views import LiveComponent, LiveFormComponent, LiveFormView


class SizeForm(forms.Form):
    # A radio group has no id to focus (id_for_label is empty): its first input, by name.
    size = forms.ChoiceField(choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect)


class SizeFilter(LiveComponent):  # a radio group named "size" of its own
    template_name = "size_filter.html"


class SizePicker(LiveFormComponent):
    form_class = SizeForm
    template_name = "size_picker.html"


class OrderView(LiveFormView):
    form_class = SizeForm
    template_name = "order.html"
    success_url = "/order/"
"""

TEMPLATES = {
    "order.html": """{% load live_views %}<!doctype html>
<html><head></head><body {% live_connect %}>
{% live_component "focus_views.SizeFilter" id="filter" %}
{% liveblock form %}<form method="post" {% live_form form %}>{{ form.as_div }}</form>
{% endliveblock %}
{% live_component "focus_views.SizePicker" id="picker" %}
</body></html>""",
    "size_filter.html": '<input type="radio" name="size" value="s">'
    '<input type="radio" name="size" value="l">',
    # The filter inside the picker's form, before the picker's own field.
    "size_picker.html": """{% load live_views %}<form method="post" {% live_form %}>
{% live_component "focus_views.SizeFilter" id="inner" %}{{ form.as_div }}</form>""",
}


@pytest.fixture
def order_site(tmp_path):
    with readme_site(
        tmp_path,
        templates=TEMPLATES,
        modules={"focus_views": VIEWS},
        routes=lambda m: [path("order/", m["focus_views"].OrderView.as_view())],
    ):
        yield


def focused_by(browser, html, selector):
    """The live component (its address; "" for the page) whose element the browser focuses."""
    tab = browser.new_page()
    try:
        tab.set_content(html)
        return tab.evaluate(
            """selector => {
                const field = document.querySelector(selector);
                field?.focus();
                const owner = document.activeElement.closest("[data-live-component]");
                return [document.activeElement.name, owner ? owner.dataset.liveComponent : ""];
            }""",
            selector,
        )
    finally:
        tab.close()


def test_a_page_forms_first_error_is_focused_not_a_components_field_of_that_name(
    order_site, browser
):
    from live_views.testing import LiveClient

    client = LiveClient()
    with client.live("/order/") as page:
        reply = page.submit("submit")
        assert "This field is required." in page.block("form")
        assert focused_by(browser, page.html, reply["focus"]) == ["size", ""]
    client.close()


def test_a_components_first_error_is_focused_not_a_field_of_a_component_in_it(order_site, browser):
    from live_views.testing import LiveClient

    client = LiveClient()
    with client.live("/order/") as page:
        picker = page.component("picker")
        reply = picker.submit("submit")
        assert "This field is required." in picker.html
        assert focused_by(browser, page.html, reply["focus"]) == ["size", picker.address]
    client.close()
