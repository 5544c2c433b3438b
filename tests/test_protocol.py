"""live_views/socket/protocol.py: the frames a browser may send, parsed strictly
(see docs/protocol.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from live_views.socket.protocol import (
    MAX_EVENT_NAME,
    MAX_FIELD_NAME,
    MAX_QUERY,
    MAX_REF,
    MAX_VALUES,
    Event,
    FrameError,
    Join,
    Params,
    encode,
    error_frame,
    parse_frame,
    query_of,
)


def parse(frame: Any) -> Join | Params | Event:
    return parse_frame(json.dumps(frame))


def refusal(frame: Any) -> FrameError:
    text = frame if isinstance(frame, str) else json.dumps(frame)
    with pytest.raises(FrameError) as caught:
        parse_frame(text)
    return caught.value


# -- join ---------------------------------------------------------------------------------------


def test_a_join_carries_version_blocks_search_and_nonce():
    join = parse(
        {
            "join": {
                "version": "0.1.0",
                "blocks": {"lv-counter": "3f2a9c1b"},
                "search": "?page=2",
                "nonce": "abc",
            }
        }
    )
    assert join == Join(
        version="0.1.0", blocks={"lv-counter": "3f2a9c1b"}, search="page=2", nonce="abc"
    )


def test_a_bare_join_joins_with_nothing_shown():
    assert parse({"join": {}}) == Join(version="", blocks={}, search=None, nonce=None)


def test_a_join_drops_block_versions_no_page_could_hold():
    join = parse(
        {"join": {"version": "1", "blocks": {"ok": "12345678", "long": "x" * 17, "num": 5}}}
    )
    assert isinstance(join, Join)
    assert join.blocks == {"ok": "12345678"}


def test_a_join_ignores_a_search_or_nonce_no_browser_would_send():
    join = parse(
        {
            "join": {
                "version": "1",
                "blocks": {},
                "search": "?a=b#frag",
                "nonce": "n" * 129,
            }
        }
    )
    assert isinstance(join, Join)
    assert join.search is None
    assert join.nonce is None
    empty_nonce = parse({"join": {"nonce": "", "search": 7}})
    assert isinstance(empty_nonce, Join)
    assert (empty_nonce.nonce, empty_nonce.search) == (None, None)


def test_a_joins_version_is_cut_to_32_characters():
    join = parse({"join": {"version": "v" * 100}})
    assert isinstance(join, Join)
    assert join.version == "v" * 32


@pytest.mark.parametrize(
    "join", [[], "hello", None, {"version": 1}, {"blocks": []}, {"blocks": "lv-a"}]
)
def test_a_malformed_join_is_a_bad_frame(join):
    error = refusal({"join": join})
    assert error.code == "bad_frame"
    assert "join" in error.message


# -- params -------------------------------------------------------------------------------------


def test_params_is_a_query_string_with_a_ref():
    assert parse({"params": "?page=1", "ref": 8}) == Params(query="page=1", ref=8)
    assert parse({"params": ""}) == Params(query="", ref=None)


def test_params_with_patch_is_a_data_live_patch_links_click():
    assert parse({"params": "?page=2", "patch": True, "ref": 8}) == Params(
        query="page=2", ref=8, link=True
    )
    assert parse({"params": "?page=2", "patch": False}).link is False
    error = refusal({"params": "?page=2", "patch": "true", "ref": 3})
    assert (error.code, error.ref) == ("bad_frame", 3)
    assert error.message == "'patch' in a 'params' frame must be true or false"


@pytest.mark.parametrize(
    "value",
    [
        "?a=b#x",
        "?a=b c",
        "?ü=1",
        "q" * (MAX_QUERY + 1),
        "&".join(["a=1"] * (MAX_VALUES + 1)),
        5,
        None,
        ["?a=1"],
    ],
)
def test_params_that_no_browser_would_send_are_refused_with_the_ref(value):
    error = refusal({"params": value, "ref": 3})
    assert error.code == "bad_frame"
    assert error.ref == 3
    assert "query string" in error.message


def test_query_of_strips_the_question_mark_and_keeps_percent_encoding():
    assert query_of("?a=%20b&c=d") == "a=%20b&c=d"
    assert query_of("a=1") == "a=1"
    assert query_of("q" * MAX_QUERY) == "q" * MAX_QUERY
    assert query_of("a\tb") is None


# -- events -------------------------------------------------------------------------------------


def test_an_event_carries_its_name_ref_args_and_form():
    event = parse(
        {"event": "increment", "ref": 7, "args": {"amount": 2}, "form": {"tags": ["a", "b"]}}
    )
    assert event == Event(name="increment", ref=7, args={"amount": 2}, form={"tags": ["a", "b"]})


def test_missing_args_and_form_are_empty():
    assert parse({"event": "go"}) == Event(name="go", ref=None, args={}, form={})
    assert parse({"event": "go", "args": None, "form": None}) == Event(name="go", ref=None)


def test_an_event_names_the_file_inputs_whose_files_never_went_up():
    event = parse({"event": "submit", "ref": 3, "unsent": ["attachments", "doc-file"]})
    assert event == Event(name="submit", ref=3, unsent=("attachments", "doc-file"))
    assert parse({"event": "submit", "unsent": None}).unsent == ()


@pytest.mark.parametrize(
    "unsent",
    [
        "attachments",
        {"attachments": True},
        [1],
        [["attachments"]],
        ["x" * (MAX_FIELD_NAME + 1)],
        ["\ud800"],
        ["f"] * (MAX_VALUES + 1),
    ],
)
def test_unsent_must_be_a_short_list_of_field_names(unsent):
    error = refusal({"event": "submit", "ref": 8, "unsent": unsent})
    assert error.code == "bad_frame"
    assert error.ref == 8
    assert "unsent" in error.message


@pytest.mark.parametrize("frame", [{}, {"event": ""}, {"event": 5}, {"event": None}, {"ref": 1}])
def test_a_frame_that_names_no_event_is_a_bad_frame(frame):
    error = refusal(frame)
    assert error.code == "bad_frame"
    assert "event" in error.message


def test_a_too_long_event_name_is_an_unknown_event_shown_cut():
    error = refusal({"event": "e" * (MAX_EVENT_NAME + 1), "ref": 4})
    assert error.code == "unknown_event"
    assert error.ref == 4
    assert "e" * 40 in error.message
    assert "e" * 41 not in error.message
    assert isinstance(parse({"event": "e" * MAX_EVENT_NAME}), Event)


@pytest.mark.parametrize("ref", [-1, MAX_REF, 1.5, "7", True, [1]])
def test_a_ref_must_be_a_non_negative_integer(ref):
    error = refusal({"event": "go", "ref": ref})
    assert error.code == "bad_frame"
    assert "ref" in error.message


def test_the_largest_ref_is_accepted():
    event = parse({"event": "go", "ref": MAX_REF - 1})
    assert isinstance(event, Event)
    assert event.ref == MAX_REF - 1


@pytest.mark.parametrize(
    ("where", "values"),
    [
        ("args", [1, 2]),
        ("args", "amount=2"),
        ("args", {"nested": {"a": 1}}),
        ("args", {"deep": [[1]]}),
        ("args", {"objects": [{"a": 1}]}),
        ("form", {"k": {"a": 1}}),
        ("form", {f"k{i}": i for i in range(MAX_VALUES + 1)}),
    ],
)
def test_args_and_form_hold_flat_values_only(where, values):
    error = refusal({"event": "go", "ref": 9, where: values})
    assert error.code == "bad_frame"
    assert error.ref == 9
    assert where in error.message


def test_flat_values_of_every_json_scalar_kind_are_accepted():
    values = {"s": "x", "i": 1, "f": 1.5, "b": True, "n": None, "l": [1, "a", None, False]}
    event = parse({"event": "go", "args": values, "form": {f"k{i}": i for i in range(MAX_VALUES)}})
    assert isinstance(event, Event)
    assert event.args == values
    assert len(event.form) == MAX_VALUES


def test_a_lone_surrogate_cannot_reach_a_handler():
    error = refusal('{"event": "go", "args": {"text": "\\ud800"}}')
    assert error.code == "bad_frame"
    assert refusal('{"event": "\\ud800"}').code == "bad_frame"


# -- the frame itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["not json", "{", "", "[1,2]", '"event"', "null", "42"])
def test_a_frame_must_be_a_json_object(text):
    error = refusal(text)
    assert error.code == "bad_frame"
    assert error.ref is None


def test_a_deeply_nested_frame_is_refused_not_a_crash():
    error = refusal("[" * 100_000 + "]" * 100_000)
    assert error.code == "bad_frame"


def test_join_wins_over_params_and_event_in_one_frame():
    assert isinstance(parse({"join": {}, "params": "?a=1", "event": "go"}), Join)
    assert isinstance(parse({"params": "?a=1", "event": "go"}), Params)


# -- what the server sends ----------------------------------------------------------------------


def test_error_frames_carry_the_ref_only_when_there_is_one():
    assert error_frame("bad_frame", "no") == {"error": {"code": "bad_frame", "message": "no"}}
    assert error_frame("server_error", "x", 0) == {
        "error": {"code": "server_error", "message": "x"},
        "ref": 0,
    }


def test_encode_is_compact_and_keeps_unicode():
    assert encode({"content": "ü <b>", "ref": 1}) == '{"content":"ü <b>","ref":1}'
