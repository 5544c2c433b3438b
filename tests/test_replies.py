"""An event's reply (live_views/socket/replies.py): a handler's returned dict, checked as a push
payload is; anything else is no reply."""

from __future__ import annotations

import pytest
from django.test import override_settings

from live_views.connect import wire
from live_views.socket.replies import reply_of


def test_a_dict_is_the_reply():
    assert reply_of("save", {"ok": True, "ids": [1, 2]}) == {
        wire.REPLY: {"ok": True, "ids": [1, 2]}
    }


@pytest.mark.parametrize("result", [None, 3, "text", [1], ("a",)])
def test_anything_else_is_no_reply(result):
    assert reply_of("save", result) == {}


def test_a_reply_json_cannot_hold_names_the_event():
    with pytest.raises(TypeError, match=r"The reply of 'save': the payload must be JSON"):
        reply_of("save", {"when": object()})


@override_settings(LIVE_VIEWS={"MAX_PUSH_BYTES": 1024})
def test_a_reply_over_the_limit_names_the_setting():
    expected = (
        r"The reply of 'save': the payload is 2,011 bytes as JSON, over LIVE_VIEWS\['MAX_PUSH"
    )
    with pytest.raises(ValueError, match=expected):
        reply_of("save", {"data": "x" * 2000})
