"""live_views/conf.py: every LIVE_VIEWS key has a safe default and is read live."""

from __future__ import annotations

import pytest
from django.test import override_settings

from live_views.conf import DEFAULTS, Settings, conf


def test_every_key_has_a_property_that_returns_its_default():
    with override_settings(LIVE_VIEWS={}):
        for name, default in DEFAULTS.items():
            assert getattr(conf, name) == default, name


def test_the_defaults_are_the_documented_ones():
    with override_settings(LIVE_VIEWS={}):
        assert conf.TOKEN_MAX_AGE == 86400
        assert conf.MAX_FRAME_BYTES == 65536
        assert conf.ALLOWED_ORIGINS == []
        assert conf.BROADCAST_MODELS == []
        assert (conf.EVENT_RATE, conf.EVENT_BURST) == (20, 40)
        assert conf.MAX_CONNECTIONS_PER_SESSION == 20
        assert conf.STATE_CACHE == "default"


@pytest.mark.parametrize("value", [None, ["TOKEN_MAX_AGE", 60], "TOKEN_MAX_AGE=60"])
def test_a_missing_or_malformed_live_views_setting_means_defaults(value):
    with override_settings(LIVE_VIEWS=value):
        assert conf.TOKEN_MAX_AGE == 86400
        assert conf.STATE_CACHE == "default"


def test_no_live_views_setting_at_all_means_defaults(settings):
    del settings.LIVE_VIEWS
    assert conf.MAX_FRAME_BYTES == 65536
    assert conf.BROADCAST_MODELS == []


def test_settings_are_read_live_not_at_import():
    before = conf.TOKEN_MAX_AGE
    assert before == 86400
    with override_settings(LIVE_VIEWS={"TOKEN_MAX_AGE": 60}):
        assert conf.TOKEN_MAX_AGE == 60
        with override_settings(LIVE_VIEWS={"TOKEN_MAX_AGE": 5}):
            assert conf.TOKEN_MAX_AGE == 5
        assert conf.TOKEN_MAX_AGE == 60
    assert before == conf.TOKEN_MAX_AGE
    # A fresh Settings reads the same values: nothing is cached per instance either.
    with override_settings(LIVE_VIEWS={"MAX_FRAME_BYTES": 10}):
        assert Settings().MAX_FRAME_BYTES == conf.MAX_FRAME_BYTES == 10


def test_keys_left_out_keep_their_defaults():
    with override_settings(LIVE_VIEWS={"EVENT_RATE": 3}):
        assert conf.EVENT_RATE == 3
        assert conf.EVENT_BURST == 40


def test_values_come_back_in_their_types():
    with override_settings(
        LIVE_VIEWS={
            "TOKEN_MAX_AGE": 60.9,
            "MAX_FRAME_BYTES": True,
            "ALLOWED_ORIGINS": ("https://a.example",),
            "STATE_CACHE": "pages",
        }
    ):
        assert conf.TOKEN_MAX_AGE == 60
        assert type(conf.TOKEN_MAX_AGE) is int
        assert type(conf.MAX_FRAME_BYTES) is int
        assert conf.ALLOWED_ORIGINS == ["https://a.example"]
        assert conf.STATE_CACHE == "pages"


def test_allowed_origins_is_a_copy_callers_cannot_change_the_setting_through():
    origins = ["https://a.example"]
    with override_settings(LIVE_VIEWS={"ALLOWED_ORIGINS": origins}):
        conf.ALLOWED_ORIGINS.append("https://evil.example")
        assert conf.ALLOWED_ORIGINS == ["https://a.example"]


@pytest.mark.parametrize("name", ["EVENT_RATE", "EVENT_BURST", "MAX_CONNECTIONS_PER_SESSION"])
def test_none_turns_a_limit_off(name):
    with override_settings(LIVE_VIEWS={name: None}):
        assert getattr(conf, name) is None
    with override_settings(LIVE_VIEWS={name: 7}):
        assert getattr(conf, name) == 7


def test_broadcast_models_all_or_a_list_of_labels():
    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": "__all__"}):
        assert conf.BROADCAST_MODELS == "__all__"
    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": ("todoapp.Task", "todoapp.Board")}):
        assert conf.BROADCAST_MODELS == ["todoapp.Task", "todoapp.Board"]


@pytest.mark.parametrize(
    "value", ["todoapp.Task", "all", ["todoapp.Task", 3], {"todoapp.Task": True}, 1, None]
)
def test_a_wrong_broadcast_models_value_turns_broadcasting_off(value):
    # A bad value is reported by live_views.E014; a save must never fail because of it.
    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": value}):
        assert conf.BROADCAST_MODELS == []
