"""channels-redis on redis-py 8: a read timeout that fails every idle receive (check E008).

channels-redis waits for a message with a blocking read of up to 5 s (``BZPOPMIN``). redis-py 8
made its connections' ``socket_timeout`` default to 5 s, so each idle wait ends in
``redis.exceptions.TimeoutError`` instead of an empty answer: the process takes a healthy Redis
for down every 5 s, and a message popped just as the read gives up is lost. channels-redis
passes each host's settings to redis-py, so a host that sets ``socket_timeout`` is unaffected.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.utils.module_loading import import_string

BLOCKING_READ = 5.0  # channels_redis.core.RedisChannelLayer.brpop_timeout
_BACKEND = "channels_redis.core.RedisChannelLayer"


def check_redis_timeouts(**kwargs: Any) -> list[CheckMessage]:
    if _redis_major() < 8:
        return []
    errors: list[CheckMessage] = []
    for alias, layer in (getattr(settings, "CHANNEL_LAYERS", None) or {}).items():
        if not isinstance(layer, dict) or not _blocks_to_read(layer.get("BACKEND")):
            continue
        hosts = (layer.get("CONFIG") or {}).get("hosts") or ["redis://localhost:6379"]
        if any(_reads_time_out(host) for host in hosts):
            errors.append(
                Error(
                    f"CHANNEL_LAYERS[{alias!r}]: redis-py 8 ends a read after 5 s "
                    "(socket_timeout), which is as long as channels-redis waits for a message: "
                    "every idle wait fails, the process takes Redis for down every 5 s and "
                    "re-renders its live pages, and a message can be lost.",
                    hint='Give each host a longer read timeout: "CONFIG": {"hosts": '
                    '[{"address": "redis://127.0.0.1:6379/0", "socket_timeout": 10}]} '
                    "(docs/howto/deployment.md), or None to wait as long as it takes.",
                    id="live_views.E008",
                )
            )
    return errors


def _blocks_to_read(backend: object) -> bool:
    """Whether ``backend`` is channels-redis's RedisChannelLayer, or a subclass of it."""
    if backend == _BACKEND:
        return True
    if not isinstance(backend, str):
        return False
    try:
        layer = import_string(backend)
        core = import_string(_BACKEND)
    except ImportError:
        return False  # E003's concern, or channels-redis is not installed
    return isinstance(layer, type) and issubclass(layer, core)


def _redis_major() -> int:
    try:
        return int(metadata.version("redis").split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return 0


def _reads_time_out(host: Any) -> bool:
    """Whether redis-py's connections for ``host`` (an entry of the layer's ``hosts``) give up
    a read before channels-redis's blocking read ends."""
    if isinstance(host, str | bytes):
        return _url_times_out(host.decode() if isinstance(host, bytes) else host)
    if isinstance(host, dict):
        address = host.get("address")
        # redis-py's from_url(): the address's query wins over the keyword.
        in_url = _url_timeout(address) if isinstance(address, str) else None
        if in_url is not None:
            return _too_short(in_url)
        return _too_short(host["socket_timeout"]) if "socket_timeout" in host else True
    return True  # (host, port): redis-py's defaults


def _url_times_out(url: str) -> bool:
    value = _url_timeout(url)
    return _too_short(value) if value is not None else True


def _url_timeout(url: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get("socket_timeout")
    return values[0] if values else None


def _too_short(timeout: Any) -> bool:
    if timeout is None:
        return False
    try:
        return float(timeout) <= BLOCKING_READ
    except (TypeError, ValueError):
        return False  # redis-py refuses it itself, with its own error
