"""System checks: every mis-wiring a live page would otherwise show as a dead socket."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import caches
from django.core.checks import CheckMessage, Error, Warning
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils.module_loading import import_string

from live_views.conf import DEFAULTS, TRANSPORTS, conf
from live_views.connect.wire import SOCKET_PATH
from live_views.events import live_event_names
from live_views.polling import MIN_SECONDS, problems
from live_views.shared_defaults import check_shared_defaults

_INT_SETTINGS = {"TOKEN_MAX_AGE": 60, "MAX_FRAME_BYTES": 1024, "MAX_PUSH_BYTES": 1024}


def check_settings(**kwargs: Any) -> list[CheckMessage]:
    value = getattr(settings, "LIVE_VIEWS", {})
    if not isinstance(value, dict):
        return [
            Error(
                f"LIVE_VIEWS must be a dict, not {type(value).__name__}.",
                hint='Use LIVE_VIEWS = {"MAX_FRAME_BYTES": 65536, ...} or remove the setting.',
                id="live_views.E010",
            )
        ]
    errors: list[CheckMessage] = []
    for key in sorted(set(value) - set(DEFAULTS)):
        errors.append(
            Error(
                f"Unknown LIVE_VIEWS key {key!r}.",
                hint=f"Valid keys: {', '.join(sorted(DEFAULTS))}.",
                id="live_views.E011",
            )
        )
    for key, minimum in _INT_SETTINGS.items():
        if key in value and (
            isinstance(value[key], bool) or not isinstance(value[key], int) or value[key] < minimum
        ):
            errors.append(
                Error(
                    f"LIVE_VIEWS[{key!r}] must be an integer of at least {minimum}, "
                    f"not {value[key]!r}.",
                    id="live_views.E012",
                )
            )
    errors.extend(_check_allowed_origins(conf.raw("ALLOWED_ORIGINS")))
    errors.extend(_check_broadcast_models(conf.raw("BROADCAST_MODELS")))
    errors.extend(_check_limits(value))
    errors.extend(_check_state_cache(value))
    return errors


def _check_allowed_origins(origins: Any) -> list[CheckMessage]:
    if not isinstance(origins, list | tuple):
        problem = f"must be a list of origins, not {origins!r}"
    else:
        # Each wrong entry by name: in a long list the whole list hid which one it was.
        wrong = [origin for origin in origins if not _is_origin(origin)]
        if not wrong:
            return []
        what = "is not an origin" if len(wrong) == 1 else "are not origins"
        problem = f"lists {', '.join(map(repr, wrong))}, which {what}"
    return [
        Error(
            f"LIVE_VIEWS['ALLOWED_ORIGINS'] {problem}.",
            hint='e.g. ["https://app.example.com"] (scheme and host, no path).',
            id="live_views.E013",
        )
    ]


def _check_limits(value: dict[str, Any]) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for key in ("EVENT_RATE", "EVENT_BURST"):
        if key in value and not _is_limit(value[key]):
            errors.append(
                Error(
                    f"LIVE_VIEWS[{key!r}] must be a positive integer or None, not {value[key]!r}.",
                    hint="EVENT_RATE is events a second, EVENT_BURST how many may come at once "
                    "(defaults 20 and 40); None turns the event limit off.",
                    id="live_views.E016",
                )
            )
    key = "MAX_CONNECTIONS_PER_SESSION"
    if key in value and not _is_limit(value[key]):
        errors.append(
            Error(
                f"LIVE_VIEWS[{key!r}] must be a positive integer or None, not {value[key]!r}.",
                hint="The sockets one session or user may hold open in one process (default "
                "20); None turns the cap off.",
                id="live_views.E017",
            )
        )
    key = "TRANSPORT"
    if key in value and value[key] not in TRANSPORTS:
        errors.append(
            Error(
                f"LIVE_VIEWS[{key!r}] must be one of: {', '.join(map(repr, TRANSPORTS))}, "
                f"not {value[key]!r}.",
                hint='"websocket" (the default) falls back to HTTP where the socket cannot '
                'open; "http" never opens one (a WSGI server).',
                id="live_views.E019",
            )
        )
    key = "JOIN_TIMEOUT"
    if key in value and not _is_seconds(value[key]):
        errors.append(
            Error(
                f"LIVE_VIEWS[{key!r}] must be a positive number of seconds or None, "
                f"not {value[key]!r}.",
                hint="How long a socket may stay open before its page joins (default 10); "
                "None turns the timeout off.",
                id="live_views.E018",
            )
        )
    return errors


def _is_seconds(value: Any) -> bool:
    if value is None:
        return True
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def _is_limit(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0)


def _is_origin(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://[::1": no URL, and E013 says so rather than a traceback
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and parts.path in ("", "/")
        and not parts.query
        and not parts.fragment
    )


def _check_broadcast_models(value: Any) -> list[CheckMessage]:
    if value == "__all__":
        return []
    hint = 'Use "__all__" or a list of model labels such as ["shop.Order", "shop.Item"].'
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return [
            Error(
                f"LIVE_VIEWS['BROADCAST_MODELS'] must be \"__all__\" or a list of model "
                f"labels, not {value!r}.",
                hint=hint,
                id="live_views.E014",
            )
        ]
    errors: list[CheckMessage] = []
    for label in value:
        try:
            django_apps.get_model(label)
        except (LookupError, ValueError):
            errors.append(
                Error(
                    f"LIVE_VIEWS['BROADCAST_MODELS'] names {label!r}, which is not an installed "
                    "model.",
                    hint=hint,
                    id="live_views.E015",
                )
            )
    return errors


def check_wiring(**kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    # A project on the HTTP transport (a WSGI server) needs no ASGI application nor socket route.
    sockets = conf.TRANSPORT != "http"
    if sockets and not (django_apps.is_installed("daphne") or django_apps.is_installed("channels")):
        errors.append(
            Error(
                "Neither 'daphne' nor 'channels' is in INSTALLED_APPS.",
                hint="Add 'daphne' at the top of INSTALLED_APPS so runserver serves websockets, "
                "or 'channels' if you run another ASGI server; or, for a WSGI project, set "
                "LIVE_VIEWS = {'TRANSPORT': 'http'} (pages go over HTTP, no websockets).",
                id="live_views.E001",
            )
        )
    asgi_path = getattr(settings, "ASGI_APPLICATION", None)
    if sockets and not asgi_path:
        errors.append(
            Error(
                "ASGI_APPLICATION is not set.",
                hint="Set ASGI_APPLICATION = 'yourproject.asgi.application' and route websockets "
                "there to live_views.routing.websocket_urlpatterns (see the README).",
                id="live_views.E002",
            )
        )
    layers = getattr(settings, "CHANNEL_LAYERS", None)
    if not layers or "default" not in layers:
        errors.append(
            Error(
                "No default channel layer is configured.",
                hint='Set CHANNEL_LAYERS = {"default": {"BACKEND": '
                '"channels.layers.InMemoryChannelLayer"}} for one process, or '
                "channels_redis.core.RedisChannelLayer in production.",
                id="live_views.E003",
            )
        )
    if sockets and asgi_path:
        errors.extend(_check_route(asgi_path))
    return errors


def _check_route(asgi_path: str) -> list[CheckMessage]:
    from live_views.socket.consumer import LiveConsumer

    try:
        application = import_string(asgi_path)
    except ImportError as exc:
        return [
            Error(
                f"ASGI_APPLICATION {asgi_path!r} cannot be imported: {exc}.",
                hint="Set ASGI_APPLICATION to the dotted path of your ASGI application, e.g. "
                "'mysite.asgi.application'.",
                id="live_views.E004",
            )
        ]
    # Under FORCE_SCRIPT_NAME with no --root-path the server's path holds the prefix, so the
    # route is rightly nested under it: either spelling reaches the pages' sockets.
    prefix = (getattr(settings, "FORCE_SCRIPT_NAME", None) or "").strip("/")
    paths = [SOCKET_PATH, f"{prefix}/{SOCKET_PATH}"] if prefix else [SOCKET_PATH]
    if any(_reaches_consumer(application, path, LiveConsumer) for path in paths):
        return []
    if any(_is_live_consumer(app, LiveConsumer) for app in _walk(application)):
        # Pages connect to <script prefix>live/ws/ whatever the routing: a route under
        # path("ws/", ...) passes a search for the consumer, and every socket then fails.
        return [
            Error(
                f"The live views websocket route is mounted in {asgi_path!r}, but not at "
                f"{SOCKET_PATH!r}, where every page connects (under the script prefix).",
                hint="Put live_views.routing.websocket_urlpatterns at the top level of the "
                "websocket URLRouter (URLRouter([*websocket_urlpatterns, path('chat/', ...)])), "
                "not under a path('ws/', ...). To serve the site under a prefix, set "
                "FORCE_SCRIPT_NAME or run the ASGI server with --root-path.",
                id="live_views.E006",
            )
        ]
    return [
        Error(
            f"The live views websocket route is not mounted in {asgi_path!r}.",
            hint="In asgi.py: ProtocolTypeRouter({'http': django_asgi_app, 'websocket': "
            "URLRouter(live_views.routing.websocket_urlpatterns)}). If it is mounted through "
            "a wrapper this check cannot see into, add 'live_views.E005' to "
            "SILENCED_SYSTEM_CHECKS.",
            id="live_views.E005",
        )
    ]


def _reaches_consumer(app: Any, path: str, consumer: type, depth: int = 0) -> bool:
    """Whether a websocket opened at ``path`` gets to ``consumer``, routed as channels routes it:
    ProtocolTypeRouter's "websocket" entry, then each URLRouter's patterns, through middleware."""
    if depth > 12 or app is None:
        return False
    if _is_live_consumer(app, consumer):
        return True
    mapping = getattr(app, "application_mapping", None)
    if isinstance(mapping, dict):
        return _reaches_consumer(mapping.get("websocket"), path, consumer, depth + 1)
    routes = getattr(app, "routes", None)
    if isinstance(routes, list | tuple):
        for route in routes:
            pattern = getattr(route, "pattern", None)
            match = pattern.match(path.lstrip("/")) if pattern is not None else None
            callback = getattr(route, "callback", None)
            if match and _reaches_consumer(callback, match[0], consumer, depth + 1):
                return True
        return False
    for attr in ("inner", "application", "app", "callback"):
        child = getattr(app, attr, None)
        if child is not None and child is not app:
            return _reaches_consumer(child, path, consumer, depth + 1)
    return False


def _is_live_consumer(app: Any, consumer: type) -> bool:
    return getattr(app, "consumer_class", None) is consumer


def _walk(app: Any, depth: int = 0) -> Iterator[Any]:
    # ASGI apps nest through a few well-known attributes (routers, middleware, as_asgi()).
    if depth > 12 or app is None:
        return
    yield app
    for attr in ("application_mapping", "routes", "inner", "application", "app", "callback"):
        child = getattr(app, attr, None)
        if isinstance(child, dict):
            for value in child.values():
                yield from _walk(value, depth + 1)
        elif isinstance(child, list | tuple):
            for value in child:
                yield from _walk(value, depth + 1)
        elif child is not None and child is not app:
            yield from _walk(child, depth + 1)


# -- page state (live_state) -------------------------------------------------------------------

# Names setup() assigns: restoring them would replace the socket's own request.
_NOT_STATE = frozenset({"request", "args", "kwargs"})
_PER_PROCESS_CACHES = ("LocMemCache", "DummyCache")


def _check_state_cache(value: dict[str, Any]) -> list[CheckMessage]:
    alias = value.get("STATE_CACHE", DEFAULTS["STATE_CACHE"])
    configured = getattr(settings, "CACHES", {})
    if isinstance(alias, str) and alias in configured:
        return []
    return [
        Error(
            f"LIVE_VIEWS['STATE_CACHE'] must name a cache in CACHES, not {alias!r}.",
            hint=f"Cache aliases in CACHES: {', '.join(sorted(configured)) or 'none'}.",
            id="live_views.E020",
        )
    ]


def check_page_state(**kwargs: Any) -> list[CheckMessage]:
    """Each routed live view's ``live_state`` names plain attributes, kept in a shared cache."""
    messages: list[CheckMessage] = []
    stateful = []
    for view_class in _routed_live_views():
        names = view_class.live_state
        messages.extend(_check_state_names(view_class, names))
        if names:
            stateful.append(view_class)
    if stateful:
        messages.extend(_check_state_backend(stateful))
    return messages


def _check_state_names(view_class: type, names: Any) -> list[CheckMessage]:
    if isinstance(names, str) or not isinstance(names, list | tuple):
        problems = [f"must be a list of attribute names, not {names!r}"]
    else:
        problems = [
            f"names {name!r}, {problem}"
            for name in names
            if (problem := _not_state(view_class, name)) is not None
        ]
    errors: list[CheckMessage] = [
        Error(
            f"{view_class.__qualname__}.live_state {problem}.",
            hint="live_state lists the instance attributes a page's events change, e.g. "
            'live_state = ["count"]; methods, properties, live events and request/args/kwargs '
            "are not state.",
            obj=view_class,
            id="live_views.E021",
        )
        for problem in problems
    ]
    if not problems:
        errors.extend(_state_typos(view_class, names))
    return errors


def _state_typos(view_class: type, names: list[str] | tuple[str, ...]) -> list[CheckMessage]:
    """A name the class does not define, close to a plain attribute it does: a typo, whose
    value would never be kept (an attribute set only in setup() or a handler has no twin)."""
    defined = {
        name
        for klass in view_class.__mro__
        if klass.__module__.split(".")[0] not in ("django", "live_views", "builtins")
        for name, value in vars(klass).items()
        if not name.startswith("_") and not hasattr(value, "__get__")
    }
    warnings: list[CheckMessage] = []
    for name in names:
        if name in defined or hasattr(view_class, name):
            continue
        close = difflib.get_close_matches(name, sorted(defined - set(names)), n=1)
        if close:
            warnings.append(
                Warning(
                    f"{view_class.__qualname__}.live_state names {name!r}, which the view does "
                    f"not define; did you mean {close[0]!r}?",
                    hint="A name the view never sets is never kept: correct it in live_state.",
                    obj=view_class,
                    id="live_views.W024",
                )
            )
    return warnings


def _not_state(view_class: type, name: Any) -> str | None:
    if not isinstance(name, str) or not name.isidentifier():
        return "which is not an attribute name"
    if name.startswith("_"):
        return "which is private to the view (it starts with an underscore)"
    if name in _NOT_STATE:
        return "which setup() sets from each request"
    if name in getattr(view_class, "live_events", {}):
        return "which is a live event"
    if hasattr(getattr(view_class, name, None), "__get__"):
        return "which is a method or property, not a plain attribute"
    return None


def _check_state_backend(stateful: list[type]) -> list[CheckMessage]:
    alias = conf.STATE_CACHE
    try:
        backend = type(caches[alias]).__name__
    except Exception:
        return []  # an unknown alias is live_views.E020
    if backend not in _PER_PROCESS_CACHES:
        return []
    names = ", ".join(sorted(view.__qualname__ for view in stateful))
    if backend == "DummyCache":
        lost = "which keeps nothing: it is lost on every reconnect"
    else:
        lost = "which lives in one process: a server restart loses it and other workers miss it"
    return [
        Warning(
            f"The page state of {names} is kept in the {backend} cache {alias!r}, {lost}.",
            hint="Fine for development. In production point LIVE_VIEWS['STATE_CACHE'] at a "
            "shared cache (Redis, Memcached or the database cache).",
            id="live_views.W022",
        )
    ]


def check_class_defaults(**kwargs: Any) -> list[CheckMessage]:
    """A routed live view whose methods change a list, dict or set of its class in place."""
    return check_shared_defaults(_routed_live_views())


def _routed_live_views() -> list[type[Any]]:
    """Every live view class the URLconf routes to, once each."""
    from live_views.views import LiveViewMixin

    return [view for view in _routed_view_classes() if issubclass(view, LiveViewMixin)]


def _routed_view_classes() -> list[type[Any]]:
    """Every class-based view the URLconf routes to, once each."""
    try:
        patterns = list(get_resolver().url_patterns)
    except Exception:
        return []  # a broken URLconf is reported by Django's own URL checks
    found: dict[type[Any], None] = {}
    while patterns:
        pattern = patterns.pop(0)
        if isinstance(pattern, URLResolver):
            patterns[:0] = pattern.url_patterns
            continue
        view_class = getattr(getattr(pattern, "callback", None), "view_class", None)
        if isinstance(view_class, type):
            found.setdefault(view_class)
    return list(found)


def check_http_route(**kwargs: Any) -> list[CheckMessage]:
    if conf.TRANSPORT != "http":
        return []  # the socket's pages need no route of the URLconf
    try:
        reverse("live_views:http")
    except NoReverseMatch:
        return [
            Error(
                "LIVE_VIEWS['TRANSPORT'] is 'http', but the URLconf does not include "
                "live_views.urls, whose live/http/ route carries every event and update: no "
                "page can go live.",
                hint='Add path("", include("live_views.urls")) to your ROOT_URLCONF.',
                id="live_views.E007",
            )
        ]
    return []


def check_origins_over_http(**kwargs: Any) -> list[CheckMessage]:
    """An ``ALLOWED_ORIGINS`` entry that ``CSRF_TRUSTED_ORIGINS`` does not cover: its pages open
    sockets, but Django's CSRF check refuses their events over the HTTP transport."""
    from live_views.socket.origins import csrf_covers

    origins = conf.raw("ALLOWED_ORIGINS")
    if not isinstance(origins, list | tuple) or not all(_is_origin(o) for o in origins):
        return []  # live_views.E013
    uncovered = [origin for origin in origins if not csrf_covers(origin)]
    if not uncovered:
        return []
    try:
        reverse("live_views:http")
    except NoReverseMatch:
        return []  # no HTTP transport: the socket alone reads ALLOWED_ORIGINS
    return [
        Warning(
            f"LIVE_VIEWS['ALLOWED_ORIGINS'] lists {', '.join(map(repr, uncovered))}, which "
            "CSRF_TRUSTED_ORIGINS does not: pages of that origin open sockets, but where a "
            "socket cannot open, Django's CSRF check refuses their events over HTTP (403).",
            hint="List them in CSRF_TRUSTED_ORIGINS instead: live pages trust it as Django's "
            "forms do, over both transports, and ALLOWED_ORIGINS is then not needed.",
            id="live_views.W013",
        )
    ]


def check_events_on_plain_views(**kwargs: Any) -> list[CheckMessage]:
    from live_views.views import LiveViewMixin

    errors: list[CheckMessage] = []
    for view_class in _routed_view_classes():
        names = live_event_names(view_class)
        if not names or issubclass(view_class, LiveViewMixin):
            continue
        errors.append(
            Error(
                f"{view_class.__qualname__} has @live_event methods ({', '.join(names)}), but it "
                "is not a live view, so no browser can call them.",
                hint="Make it a live view: inherit LiveTemplateView (LiveFormView, "
                f"LiveListView, …), or put LiveViewMixin first in its bases: class "
                f"{view_class.__qualname__}(LiveViewMixin, "
                f"{view_class.__bases__[0].__qualname__}).",
                obj=view_class,
                id="live_views.E023",
            )
        )
    return errors


def check_login_forms(**kwargs: Any) -> list[CheckMessage]:
    """A live login form that validates while the user types: each pause runs authenticate()."""
    from django.contrib.auth.forms import AuthenticationForm

    from live_views.forms import LiveFormMixin

    warnings: list[CheckMessage] = []
    for view_class in _routed_live_views():
        form_class = getattr(view_class, "form_class", None)
        if not (
            issubclass(view_class, LiveFormMixin)
            and isinstance(form_class, type)
            and issubclass(form_class, AuthenticationForm)
            and view_class.live_validate_trigger
        ):
            continue
        warnings.append(
            Warning(
                f"{view_class.__qualname__} validates its {form_class.__name__} while the user "
                "types: every pause runs its clean(), whose authenticate() hashes the partial "
                "password (spending the page's event budget, so the submit after it may be "
                "refused) and reports a failed login.",
                hint='Set live_validate_trigger = "" on the view: the password is then checked '
                "on submit only.",
                obj=view_class,
                id="live_views.W032",
            )
        )
    return warnings


# -- messages on the socket --------------------------------------------------------------------


def check_messages(**kwargs: Any) -> list[CheckMessage]:
    from live_views.socket.messages import messages_enabled

    if not messages_enabled():
        return []
    storage = getattr(settings, "MESSAGE_STORAGE", "")
    try:
        storage_class = import_string(storage)
    except ImportError:
        return []  # Django's own messages checks and first request report it
    from django.contrib.messages.storage.session import SessionStorage

    if isinstance(storage_class, type) and issubclass(storage_class, SessionStorage):
        return []
    return [
        Warning(
            f"MESSAGE_STORAGE is {storage!r}: a message added during a live event that no "
            "liveblock shows (one before a redirect, say) is kept in the session, since a "
            "socket cannot set a cookie, and this storage does not read it from there.",
            hint="Set MESSAGE_STORAGE = 'django.contrib.messages.storage.session.SessionStorage'.",
            id="live_views.W030",
        )
    ]


def check_sessions(**kwargs: Any) -> list[CheckMessage]:
    engine = getattr(settings, "SESSION_ENGINE", "")
    try:
        store = import_string(f"{engine}.SessionStore")
    except ImportError:
        return []  # Django's first request reports it
    from django.contrib.sessions.backends.signed_cookies import SessionStore as SignedCookieStore

    if not (isinstance(store, type) and issubclass(store, SignedCookieStore)):
        return []
    return [
        Warning(
            f"SESSION_ENGINE is {engine!r}: the session lives in the browser's cookie, which a "
            "live page cannot replace, so login() or logout() in a live event handler fails that "
            "event, and what a handler writes to the session is not kept.",
            hint="Log in and out with a form POST over HTTP, or use a session engine that keeps "
            "sessions on the server (the database, the cache, or both: cached_db).",
            id="live_views.W031",
        )
    ]


# -- polling -----------------------------------------------------------------------------------


_LIVE_EVERY_HINTS = {
    "E180": f"live_every maps live event names to seconds (at least {MIN_SECONDS}), e.g. "
    'live_every = {"tick": 5}.',
    "E182": "A live_every tick calls its handler with no arguments: give each of its arguments "
    "a default (def tick(self, step: int = 1)), or poll an event whose handler needs none.",
}
_LIVE_EVERY_HINTS["E181"] = _LIVE_EVERY_HINTS["E180"]


def check_live_every(**kwargs: Any) -> list[CheckMessage]:
    """Each routed live view's ``live_every`` names its own live events, with sane intervals,
    whose handlers need no arguments."""
    return [
        Error(
            message,
            hint=_LIVE_EVERY_HINTS[check_id],
            obj=view_class,
            id=f"live_views.{check_id}",
        )
        for view_class in _routed_live_views()
        for check_id, message in problems(view_class)
    ]


def check_subscriptions(**kwargs: Any) -> list[CheckMessage]:
    """A routed live view that follows a model (``live_subscriptions = [Todo]``) whose saves are
    not broadcast: its pages never refresh on them, and nothing said why."""
    from django.db import models

    from live_views.pubsub.signals import broadcasts

    warnings: list[CheckMessage] = []
    for view_class in _routed_live_views():
        for item in getattr(view_class, "live_subscriptions", ()) or ():
            model = item if isinstance(item, type) else type(item)
            if not issubclass(model, models.Model) or broadcasts(model):
                continue
            label = model._meta.label
            warnings.append(
                Warning(
                    f"{view_class.__qualname__}.live_subscriptions follows {label}, whose saves "
                    "are not broadcast (LIVE_VIEWS['BROADCAST_MODELS']): its pages never "
                    "refresh on them.",
                    hint=f"Add {label!r} to LIVE_VIEWS['BROADCAST_MODELS']. If you publish its "
                    "changes yourself (live_views.broadcast()), silence live_views.W025.",
                    obj=view_class,
                    id="live_views.W025",
                )
            )
    return warnings


# -- deployment (manage.py check --deploy) -----------------------------------------------------

_PER_PROCESS_SESSIONS = ("django.contrib.sessions.backends.cache",)


def check_deployment(**kwargs: Any) -> list[CheckMessage]:
    """What works on one development process and not across a production server's workers,
    silently: a broadcast or a session that one process keeps to itself."""
    messages: list[CheckMessage] = []
    layers = getattr(settings, "CHANNEL_LAYERS", None) or {}
    backend = str(layers.get("default", {}).get("BACKEND", ""))
    if backend.rpartition(".")[2] == "InMemoryChannelLayer":
        messages.append(
            Warning(
                "CHANNEL_LAYERS['default'] is the InMemoryChannelLayer: a save reaches only the "
                "live pages of the process that made it, not those of the server's other "
                "workers, nor any page when it is made by a management command or a task queue.",
                hint="In production use channels_redis.core.RedisChannelLayer "
                "(docs/howto/deployment.md).",
                id="live_views.W050",
            )
        )
    engine = getattr(settings, "SESSION_ENGINE", "")
    alias = getattr(settings, "SESSION_CACHE_ALIAS", "default")
    cache = (getattr(settings, "CACHES", None) or {}).get(alias, {})
    per_process = str(cache.get("BACKEND", "")).rpartition(".")[2] in _PER_PROCESS_CACHES
    if engine in _PER_PROCESS_SESSIONS and per_process:
        messages.append(
            Warning(
                f"SESSION_ENGINE keeps sessions in the cache {alias!r}, which lives in one "
                "process: a page whose socket another worker takes finds no session there "
                "(its visitor is logged out), and a restart logs everyone out.",
                hint="Use a shared cache (Redis, Memcached) for SESSION_CACHE_ALIAS, or the "
                "database (django.contrib.sessions.backends.db or cached_db).",
                id="live_views.W051",
            )
        )
    return messages + _check_fallback_route() + _check_ticket_claims()


def _check_fallback_route() -> list[CheckMessage]:
    # Only a production concern: in development the page says so in the console (DEBUG); with
    # DEBUG off, a page whose socket a proxy blocks sits "disconnected" and nothing says why.
    if conf.TRANSPORT != "websocket":
        return []  # "http": E007 asks for the route already
    try:
        reverse("live_views:http")
    except NoReverseMatch:
        return [
            Warning(
                "The URLconf does not include live_views.urls: a browser whose websocket cannot "
                "open (a proxy or firewall that blocks websockets, a proxy of yours that drops "
                "the upgrade) has no HTTP transport to fall back on, and its pages are not live.",
                hint='Add path("", include("live_views.urls")) to your ROOT_URLCONF '
                "(docs/howto/deployment.md).",
                id="live_views.W052",
            )
        ]
    return []


def _check_ticket_claims() -> list[CheckMessage]:
    """A session ticket (live_views/http/session_hop.py) is single-use because redeeming it
    claims its nonce with ``add()`` on STATE_CACHE, which must be atomic across the workers."""
    from django.core.cache.backends.dummy import DummyCache
    from django.core.cache.backends.filebased import FileBasedCache

    try:
        reverse("live_views:session")
        cache = caches[conf.STATE_CACHE]
    except Exception:
        return []  # no session route; or an unknown alias, which is live_views.E020
    if isinstance(cache, FileBasedCache):
        why = "whose add() is not atomic (it looks for the key, then writes it)"
    elif isinstance(cache, DummyCache):
        why = "which keeps nothing: its add() succeeds every time"
    else:
        return []
    return [
        Warning(
            f"LIVE_VIEWS['STATE_CACHE'] is the {type(cache).__name__} {conf.STATE_CACHE!r}, "
            f"{why}: two requests that redeem one session ticket (after a login() in a live "
            "event) at the same moment both claim it, so a ticket meant for one use can be "
            "used twice.",
            hint="Point STATE_CACHE at a cache whose add() is atomic: Redis, Memcached or the "
            "database cache (docs/howto/deployment.md).",
            id="live_views.W053",
        )
    ]
