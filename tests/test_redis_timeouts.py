"""Check E008: channels-redis's blocking read on redis-py 8, whose connections gave up a read
after 5 s, as long as that read waits. A walk-through's pages re-rendered every 5 s, idle, and
the log said Redis was down, with a layer configured as channels-redis's own docs show."""

from __future__ import annotations

from unittest import mock

import pytest
from channels_redis.core import RedisChannelLayer
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from live_views import redis_timeouts
from live_views.redis_timeouts import check_redis_timeouts

BACKEND = "channels_redis.core.RedisChannelLayer"


def layer(*hosts):
    config = {"hosts": list(hosts)} if hosts else {}
    return {"default": {"BACKEND": BACKEND, "CONFIG": config}}


def ids(layers, redis_major=8):
    with (
        override_settings(CHANNEL_LAYERS=layers),
        mock.patch.object(redis_timeouts, "_redis_major", return_value=redis_major),
    ):
        return [message.id for message in check_redis_timeouts()]


@pytest.mark.parametrize(
    "hosts",
    [
        (),  # channels-redis's default host
        ("redis://127.0.0.1:6379/0",),
        (("127.0.0.1", 6379),),
        ({"address": "redis://127.0.0.1:6379"},),
        ({"address": "redis://127.0.0.1:6379", "socket_timeout": 5},),
        ({"address": "redis://127.0.0.1:6379?socket_timeout=3"},),
        ({"address": "redis://a:6379", "socket_timeout": 10}, "redis://b:6379"),
        # redis-py's from_url(): the query wins over the keyword.
        ({"address": "redis://127.0.0.1:6379/9?socket_timeout=2", "socket_timeout": 10},),
    ],
)
def test_a_host_whose_reads_end_with_the_blocking_wait_is_an_error(hosts):
    assert ids(layer(*hosts)) == ["live_views.E008"]


@pytest.mark.parametrize(
    "hosts",
    [
        ({"address": "redis://127.0.0.1:6379", "socket_timeout": 10},),
        ({"address": "redis://127.0.0.1:6379", "socket_timeout": None},),
        ("redis://127.0.0.1:6379/0?socket_timeout=30",),
        ({"host": "127.0.0.1", "port": 6379, "socket_timeout": 10},),
        ({"address": "redis://127.0.0.1:6379/9?socket_timeout=10", "socket_timeout": 2},),
    ],
)
def test_a_host_with_room_to_wait_is_fine(hosts):
    assert ids(layer(*hosts)) == []


def test_redis_py_before_8_waits_as_long_as_it_takes():
    assert ids(layer("redis://127.0.0.1:6379"), redis_major=7) == []


class OwnLayer(RedisChannelLayer):
    """A project's subclass: it reads as channels-redis's does."""


def test_a_subclass_of_the_layer_is_looked_at_too():
    layers = {"default": {"BACKEND": f"{__name__}.OwnLayer", "CONFIG": {"hosts": ["redis://r"]}}}
    assert ids(layers) == ["live_views.E008"]


def test_a_hosts_timeout_is_what_redis_py_makes_of_it():
    # The check's reading against redis-py's own: the query of the address wins.
    from channels_redis.utils import create_pool

    for host, times_out in [
        ({"address": "redis://127.0.0.1:6379/9?socket_timeout=2", "socket_timeout": 10}, True),
        ({"address": "redis://127.0.0.1:6379/9?socket_timeout=10", "socket_timeout": 2}, False),
        ({"address": "redis://127.0.0.1:6379/9", "socket_timeout": None}, False),
    ]:
        timeout = create_pool(host).connection_kwargs["socket_timeout"]
        assert (timeout is not None and timeout <= 5) is times_out
        assert redis_timeouts._reads_time_out(host) is times_out


def test_other_layers_are_not_looked_at():
    assert ids({"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}) == []


def test_manage_py_check_names_the_setting_and_the_fix():
    with (
        override_settings(CHANNEL_LAYERS=layer("redis://127.0.0.1:6379")),
        mock.patch.object(redis_timeouts, "_redis_major", return_value=8),
        pytest.raises(SystemCheckError) as caught,
    ):
        call_command("check")
    text = str(caught.value)
    assert "(live_views.E008) CHANNEL_LAYERS['default']: redis-py 8 ends a read after 5 s" in text
    assert '"socket_timeout": 10' in text


def test_this_machines_redis_py_is_what_the_check_reads():
    from importlib import metadata

    assert redis_timeouts._redis_major() == int(metadata.version("redis").split(".")[0])


def test_the_hubs_warning_of_a_redis_read_timeout_points_to_the_check():
    # uvicorn runs no system checks: the log is where a production server says it.
    import redis.exceptions as redis_exceptions  # channels-redis brings it (the dev extra)

    from live_views.socket.hub import _hint

    hint = _hint(redis_exceptions.TimeoutError("Timeout reading from 127.0.0.1:6379"))
    assert "see check live_views.E008" in hint
    assert _hint(redis_exceptions.ConnectionError("Connection refused")) == ""
    assert _hint(TimeoutError("another library's")) == ""
