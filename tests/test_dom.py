from __future__ import annotations

import pytest

from live_views.components.host import component_address
from live_views.render.collector import component_scope
from live_views.render.stream import item_id, stream_id
from live_views.testing.dom import apply_swaps, inner_html

PAGE = (
    "<html><body>\n"
    '<div id="lv-a" data-lv-v="00000001"><p>a</p></div>\n'
    '<ul id="lv-b" data-lv-v="00000002"><li>b</li></ul>\n'
    "<footer>static</footer>\n"
    "</body></html>"
)


def test_apply_swaps_replaces_the_element_with_the_same_id():
    page = apply_swaps(PAGE, '<div id="lv-a" data-lv-v="00000009"><p>new a</p></div>')
    assert '<div id="lv-a" data-lv-v="00000009"><p>new a</p></div>' in page
    assert "<p>a</p>" not in page
    assert '<ul id="lv-b" data-lv-v="00000002"><li>b</li></ul>' in page
    assert "<footer>static</footer>" in page


def test_apply_swaps_strips_the_out_of_band_attribute():
    page = apply_swaps(
        PAGE, '<div id="lv-a" data-lv-v="00000009" hx-swap-oob="outerMorph"><p>x</p></div>'
    )
    assert "hx-swap-oob" not in page
    assert '<div id="lv-a" data-lv-v="00000009"><p>x</p></div>' in page


def test_apply_swaps_keeps_everything_outside_the_swapped_element():
    page = apply_swaps(PAGE, '<div id="lv-a" data-lv-v="00000009">x</div>')
    assert page == PAGE.replace(
        '<div id="lv-a" data-lv-v="00000001"><p>a</p></div>',
        '<div id="lv-a" data-lv-v="00000009">x</div>',
    )


def test_apply_swaps_applies_several_top_level_updates():
    content = (
        '<div id="lv-a" data-lv-v="00000009" hx-swap-oob="outerMorph">A</div>'
        '<ul id="lv-b" data-lv-v="00000008" hx-swap-oob="outerMorph"><li>B</li></ul>'
    )
    page = apply_swaps(PAGE, content)
    assert inner_html(page, "lv-a") == "A"
    assert inner_html(page, "lv-b") == "<li>B</li>"
    assert "hx-swap-oob" not in page


def test_apply_swaps_handles_nested_elements_of_the_same_tag():
    page = '<div id="outer"><div><div id="inner">old</div></div><div>tail</div></div><p>after</p>'
    swapped = apply_swaps(page, '<div id="outer"><div>new</div></div>')
    assert swapped == '<div id="outer"><div>new</div></div><p>after</p>'


def test_apply_swaps_replaces_an_element_nested_in_another_of_the_same_tag():
    page = '<div id="outer"><div><div id="inner">old</div></div><div>tail</div></div>'
    swapped = apply_swaps(page, '<div id="inner">new</div>')
    assert swapped == '<div id="outer"><div><div id="inner">new</div></div><div>tail</div></div>'


def test_apply_swaps_replaces_a_parent_with_nested_blocks_whole():
    page = '<tbody id="lv-t"><tr id="lv-r-1"><td>1</td></tr></tbody><p>after</p>'
    content = (
        '<tbody id="lv-t"><tr id="lv-r-1"><td>1</td></tr><tr id="lv-r-2"><td>2</td></tr></tbody>'
    )
    swapped = apply_swaps(page, content)
    assert swapped == content + "<p>after</p>"
    assert inner_html(swapped, "lv-r-2") == "<td>2</td>"


def test_apply_swaps_handles_void_elements_inside_blocks():
    page = '<form id="f"><input name="q" value="1"><br><img src="x.png"></form><p id="p">p</p>'
    swapped = apply_swaps(page, '<form id="f"><input name="q" value="2"><hr></form>')
    assert swapped == '<form id="f"><input name="q" value="2"><hr></form><p id="p">p</p>'


def test_apply_swaps_handles_void_elements_with_ids():
    page = '<div id="d"><input id="i" value="1"><span>s</span></div>'
    assert inner_html(page, "d") == '<input id="i" value="1"><span>s</span>'
    assert inner_html(page, "i") == ""


def test_apply_swaps_handles_self_closing_void_elements():
    page = '<div id="d"><br/><input name="q" /><p>old</p></div><p id="after">after</p>'
    swapped = apply_swaps(page, '<div id="d"><p>new</p></div>')
    assert swapped == '<div id="d"><p>new</p></div><p id="after">after</p>'


def test_apply_swaps_keeps_attribute_values_containing_angle_brackets():
    page = '<div id="d" title="a>b">old</div><p>after</p>'
    swapped = apply_swaps(page, '<div id="d" title="c>d">new</div>')
    assert swapped == '<div id="d" title="c>d">new</div><p>after</p>'


def test_apply_swaps_across_lines():
    page = '<main>\n  <div id="d">\n    old\n  </div>\n</main>\n'
    swapped = apply_swaps(page, '<div id="d">\n  new\n</div>')
    assert swapped == '<main>\n  <div id="d">\n  new\n</div>\n</main>\n'


def test_apply_swaps_with_nothing_to_swap_returns_the_page():
    assert apply_swaps(PAGE, "") == PAGE


def test_apply_swaps_refuses_an_unknown_id():
    with pytest.raises(AssertionError, match="'lv-missing'"):
        apply_swaps(PAGE, '<div id="lv-missing">x</div>')


def test_inner_html_returns_the_content_of_an_element():
    assert inner_html(PAGE, "lv-b") == "<li>b</li>"


def test_inner_html_of_an_empty_element_is_empty():
    assert inner_html('<div id="e"></div>', "e") == ""


def test_inner_html_keeps_entities_as_written():
    assert inner_html('<p id="p">a &amp; b &lt;c&gt;</p>', "p") == "a &amp; b &lt;c&gt;"


def test_inner_html_includes_nested_elements_of_the_same_tag():
    page = '<div id="d"><div>one</div><div>two</div></div>'
    assert inner_html(page, "d") == "<div>one</div><div>two</div>"


def test_inner_html_refuses_an_unknown_id():
    with pytest.raises(KeyError, match="'nope'"):
        inner_html(PAGE, "nope")


# A frame is applied as the browser applies it: htmx finds every swap's target, and the glue
# (static/src/streams.js) which inserts update a shown item, before the frame's first swap runs.
STREAM = (
    '<div id="lv-chat" data-lv-v="00000001"><h1>Chat</h1>'
    '<ul id="lv-s-m" data-lv-v="00000002" data-live-stream>'
    '<li id="lv-s-m-1">one</li><li id="lv-s-m-2">two</li><li id="lv-s-m-3">three</li>'
    "</ul></div>"
)


def items(page: str) -> str:
    return inner_html(page, "lv-s-m")


def test_an_insert_of_a_shown_item_morphs_it_where_it_is():
    page = apply_swaps(
        STREAM, '<template hx-swap-oob="afterbegin:#lv-s-m"><li id="lv-s-m-3">3!</li></template>'
    )
    assert (
        items(page)
        == '<li id="lv-s-m-1">one</li><li id="lv-s-m-2">two</li><li id="lv-s-m-3">3!</li>'
    )


def test_a_delete_then_an_insert_of_an_item_in_one_frame_moves_it():
    frame = (
        '<template hx-swap-oob="delete:#lv-s-m-3"></template>'
        '<template hx-swap-oob="afterbegin:#lv-s-m"><li id="lv-s-m-3">3!</li></template>'
    )
    page = apply_swaps(STREAM, frame)
    assert (
        items(page)
        == '<li id="lv-s-m-3">3!</li><li id="lv-s-m-1">one</li><li id="lv-s-m-2">two</li>'
    )


def test_an_insert_then_a_delete_of_a_shown_item_in_one_frame_deletes_it():
    # The insert morphs the item in place; the delete found that same element.
    frame = (
        '<template hx-swap-oob="beforeend:#lv-s-m"><li id="lv-s-m-2">2!</li></template>'
        '<template hx-swap-oob="delete:#lv-s-m-2"></template>'
    )
    assert (
        items(apply_swaps(STREAM, frame))
        == '<li id="lv-s-m-1">one</li><li id="lv-s-m-3">three</li>'
    )


def test_two_inserts_of_a_new_item_in_one_frame_show_it_twice():
    # Neither insert saw the other's item: what the browser shows if a server sent both
    # (live_views.streams folds them into one).
    frame = (
        '<template hx-swap-oob="beforeend:#lv-s-m"><li id="lv-s-m-9">a</li></template>'
        '<template hx-swap-oob="afterbegin:#lv-s-m"><li id="lv-s-m-9">b</li></template>'
    )
    page = apply_swaps(STREAM, frame)
    assert items(page).startswith('<li id="lv-s-m-9">b</li><li id="lv-s-m-1">')
    assert items(page).endswith('<li id="lv-s-m-3">three</li><li id="lv-s-m-9">a</li>')


def test_an_insert_then_a_delete_of_a_new_item_in_one_frame_leaves_it():
    # The delete's target was looked for before the insert added it: nothing to delete.
    frame = (
        '<template hx-swap-oob="beforeend:#lv-s-m"><li id="lv-s-m-9">nine</li></template>'
        '<template hx-swap-oob="delete:#lv-s-m-9"></template>'
    )
    assert items(apply_swaps(STREAM, frame)).endswith('<li id="lv-s-m-9">nine</li>')


def test_a_swap_of_an_element_an_earlier_swap_removed_changes_nothing():
    frame = (
        '<template hx-swap-oob="delete:#lv-s-m-2"></template>'
        '<li id="lv-s-m-2" hx-swap-oob="outerMorph">back?</li>'
    )
    assert (
        items(apply_swaps(STREAM, frame))
        == '<li id="lv-s-m-1">one</li><li id="lv-s-m-3">three</li>'
    )


def test_a_stream_replaced_whole_takes_no_inserts_aimed_at_the_one_it_replaced():
    frame = (
        '<ul id="lv-s-m" data-lv-v="00000007" data-live-stream hx-swap-oob="outerHTML">'
        '<li id="lv-s-m-5">five</li></ul>'
        '<template hx-swap-oob="beforeend:#lv-s-m"><li id="lv-s-m-6">six</li></template>'
    )
    assert items(apply_swaps(STREAM, frame)) == '<li id="lv-s-m-5">five</li>'


def test_a_morph_of_the_block_around_a_stream_keeps_the_targets_inside_it():
    frame = (
        '<div id="lv-chat" data-lv-v="00000009" hx-swap-oob="outerMorph"><h1>Renamed</h1>'
        '<ul id="lv-s-m" data-lv-v="00000002" data-live-stream></ul></div>'
        '<template hx-swap-oob="delete:#lv-s-m-1"></template>'
        '<template hx-swap-oob="beforeend:#lv-s-m"><li id="lv-s-m-4">four</li></template>'
    )
    page = apply_swaps(STREAM, frame)
    assert "<h1>Renamed</h1>" in page
    assert items(page) == (
        '<li id="lv-s-m-2">two</li><li id="lv-s-m-3">three</li><li id="lv-s-m-4">four</li>'
    )
    assert 'id="lv-s-m" data-lv-v=""' in page  # its items changed: a reconnect resends it


def test_every_element_with_a_duplicated_id_is_a_target():
    # querySelectorAll finds them all: a page that shows an item twice loses both at once.
    page = STREAM.replace('<li id="lv-s-m-1">one</li>', '<li id="lv-s-m-1">one</li>' * 2)
    swapped = apply_swaps(page, '<template hx-swap-oob="delete:#lv-s-m-1"></template>')
    assert items(swapped) == '<li id="lv-s-m-2">two</li><li id="lv-s-m-3">three</li>'


# -- data-live-ignore: a morph leaves the element as the page has it ---------------------------

IGNORING = (
    '<body><div id="lv-market" data-lv-v="00000001"><p>3 items</p>'
    '<div id="chart" data-live-ignore data-mine="kept"><b class="bar">drawn</b></div>'
    "<p>after</p></div></body>"
)


def test_a_morph_keeps_an_ignored_element_as_the_page_has_it():
    frame = (
        '<div id="lv-market" data-lv-v="00000002" hx-swap-oob="outerMorph"><p>8 items</p>'
        '<div id="chart" data-live-ignore data-source="new"></div><p>after, changed</p></div>'
    )
    page = apply_swaps(IGNORING, frame)
    assert page == (
        '<body><div id="lv-market" data-lv-v="00000002"><p>8 items</p>'
        '<div id="chart" data-live-ignore data-mine="kept"><b class="bar">drawn</b></div>'
        "<p>after, changed</p></div></body>"
    )


def test_an_ignored_element_the_new_render_no_longer_has_goes():
    frame = '<div id="lv-market" data-lv-v="00000002" hx-swap-oob="outerMorph"><p>none</p></div>'
    page = apply_swaps(IGNORING, frame)
    assert 'id="chart"' not in page
    assert "<p>none</p>" in page


def test_an_ignored_block_keeps_everything_the_page_has():
    page = IGNORING.replace('data-lv-v="00000001"', 'data-lv-v="00000001" data-live-ignore')
    frame = '<div id="lv-market" data-lv-v="00000002" hx-swap-oob="outerMorph"><p>new</p></div>'
    assert apply_swaps(page, frame) == page


def test_a_block_inside_an_ignored_element_is_still_swapped_when_sent_itself():
    page = (
        '<div id="lv-outer" data-lv-v="00000001"><div id="w" data-live-ignore>'
        '<span id="lv-inner" data-lv-v="00000002">old</span><i>drawn</i></div></div>'
    )
    frame = (
        '<div id="lv-outer" data-lv-v="00000003" hx-swap-oob="outerMorph"><div id="w" '
        'data-live-ignore><span id="lv-inner" data-lv-v="00000004">new</span></div></div>'
    )
    swapped = apply_swaps(page, frame)
    assert "<i>drawn</i>" in swapped  # the morph of the outer block left the widget alone
    assert ">old<" in swapped
    inner = '<span id="lv-inner" data-lv-v="00000005" hx-swap-oob="outerMorph">sent</span>'
    assert ">sent<" in apply_swaps(swapped, inner)  # a swap aimed at it is not a morph around it


def test_an_element_the_page_does_not_ignore_takes_the_new_markup():
    page = IGNORING.replace(" data-live-ignore", "")
    frame = (
        '<div id="lv-market" data-lv-v="00000002" hx-swap-oob="outerMorph"><p>8 items</p>'
        '<div id="chart" data-live-ignore></div></div>'
    )
    assert '<div id="chart" data-live-ignore></div>' in apply_swaps(page, frame)


# An ignored element without an id: what the browser shows after a morph around it depends on
# what the page's scripts did to it (tests/test_browser_test_client.py), so the test client
# refuses the morph, saying what to do.

WITHOUT_ID = IGNORING.replace('id="chart" ', "")
AROUND_IT = (
    '<div id="lv-market" data-lv-v="00000002" hx-swap-oob="outerMorph"><p>8 items</p>'
    '<div class="note">new</div><div data-live-ignore></div><p>after</p></div>'
)


@pytest.mark.parametrize("page", [WITHOUT_ID, IGNORING.replace('id="chart"', 'id=""')])
def test_a_morph_around_an_ignored_element_without_an_id_is_refused(page):
    with pytest.raises(AssertionError) as refused:
        apply_swaps(page, AROUND_IT)
    message = str(refused.value)
    assert "block 'lv-market'" in message
    assert '<div data-live-ignore data-mine="kept">' in message or 'id=""' in message
    assert "Give the element an id" in message


def test_a_morph_that_drops_an_ignored_element_without_an_id_is_refused():
    # Chromium keeps it, in the place of the new <div>: the server's markup never shows.
    frame = '<div id="lv-market" data-lv-v="00000002" hx-swap-oob="outerMorph"><div>x</div></div>'
    with pytest.raises(AssertionError, match="without an id"):
        apply_swaps(WITHOUT_ID, frame)


def test_an_ignored_element_without_an_id_in_a_block_the_frame_does_not_morph_is_fine():
    page = WITHOUT_ID.replace(
        "</div></body>", '</div><p id="lv-n" data-lv-v="00000001">1</p></body>'
    )
    swapped = apply_swaps(page, '<p id="lv-n" data-lv-v="00000002" hx-swap-oob="outerMorph">2</p>')
    assert swapped == page.replace('data-lv-v="00000001">1', 'data-lv-v="00000002">2')


def test_an_ignored_element_without_an_id_inside_one_with_an_id_is_kept_with_it():
    inner = '<b class="bar">drawn</b><i data-live-ignore>tip</i>'
    page = IGNORING.replace('<b class="bar">drawn</b>', inner)
    swapped = apply_swaps(
        page, AROUND_IT.replace("<div data-live-ignore>", '<div id="chart" data-live-ignore>')
    )
    assert inner_html(swapped, "chart") == inner


def test_an_ignored_element_without_an_id_in_a_stream_item_is_kept_with_the_item():
    page = STREAM.replace(">one</li>", ">one<i data-live-ignore>tip</i></li>")
    frame = (
        '<div id="lv-chat" data-lv-v="00000009" hx-swap-oob="outerMorph"><h1>Renamed</h1>'
        '<ul id="lv-s-m" data-lv-v="00000002" data-live-stream></ul></div>'
    )
    assert items(apply_swaps(page, frame)) == items(page)
    # An insert of that item morphs it: the item's own morph meets the element.
    insert = '<template hx-swap-oob="afterbegin:#lv-s-m"><li id="lv-s-m-1">1</li></template>'
    with pytest.raises(AssertionError, match="block 'lv-s-m-1'"):
        apply_swaps(page, insert)


# A live component's stream ids carry its address (lv-c<address>-s-…): an update of an item
# the page does not show (beyond its limit) finds nothing in the browser, and changes nothing.


def test_an_update_of_a_component_stream_item_the_page_does_not_show_changes_nothing():
    scope = component_scope(component_address("tests.testapp.components.Cell", "c"))
    ident = item_id("tasks", 7, scope)
    page = f'<ul id="{stream_id("tasks", scope)}" data-lv-v="" data-live-stream></ul>'
    assert apply_swaps(page, f'<li id="{ident}" hx-swap-oob="outerMorph">7</li>') == page
    with pytest.raises(AssertionError, match="which the page does not have"):
        apply_swaps(page, f'<li id="lv-{scope}tasks-7" hx-swap-oob="outerMorph">7</li>')
