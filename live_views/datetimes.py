"""Datetime event arguments in the page's time zone, as Django's ``forms.DateTimeField`` takes a
datetime (``django.forms.utils.from_current_timezone``).

Parsing (live_views/arguments.py) needs no context; this step needs the time zone the page's
middleware activated, so it runs inside the page's request processing, just before the handler.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone

from live_views.arguments import ArgumentError


def in_time_zone(value: Any) -> Any:
    """``value`` (one coerced argument) with each datetime in it placed in the time zone.

    With ``USE_TZ``, a naive datetime is a wall-clock time in the current time zone and becomes
    aware in it (a time that zone skips or repeats is refused); one with an offset stays as
    sent. Without ``USE_TZ``, one with an offset becomes naive in ``TIME_ZONE``, the zone Django
    keeps every datetime in then (and the only kind most databases take).
    """
    if isinstance(value, datetime.datetime):
        return _placed(value)
    if isinstance(value, list) and any(isinstance(item, datetime.datetime) for item in value):
        return [_placed(item) if isinstance(item, datetime.datetime) else item for item in value]
    return value


def place_datetimes(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """An event's coerced arguments with their datetimes in the time zone (``in_time_zone``)."""
    placed: dict[str, Any] = {}
    for name, value in kwargs.items():
        try:
            placed[name] = in_time_zone(value)
        except ArgumentError as exc:
            raise ArgumentError(f"argument {name!r}: {exc}") from None
    return placed


def _placed(value: datetime.datetime) -> datetime.datetime:
    aware = timezone.is_aware(value)
    zone = timezone.get_current_timezone()
    try:
        if aware and not settings.USE_TZ:
            return timezone.make_naive(value, timezone.get_default_timezone())
        if not aware and settings.USE_TZ:
            _refuse_clock_change(value, zone)
            value = timezone.make_aware(value, zone)
        if settings.USE_TZ:
            # Django takes an aware datetime to UTC to save it and to the current time zone to
            # show it: an instant before year 1 or after 9999 in either failed there, after the
            # handler, as a server error ("9999-12-31T23:59" in New York is 10000 in UTC).
            value.astimezone(datetime.UTC)
            value.astimezone(zone)
    except OverflowError:
        raise ArgumentError(
            f"{value.isoformat()} is out of range (years 1 to 9999, in UTC and in time zone {zone})"
        ) from None
    return value


def _refuse_clock_change(value: datetime.datetime, zone: datetime.tzinfo) -> None:
    # A wall-clock time with two offsets in ``zone`` is skipped (the clocks went forward over
    # it) or repeated (they went back over it): which instant it means is a guess, and Django's
    # forms refuse to guess too.
    earlier = value.replace(tzinfo=zone, fold=0)
    if earlier.utcoffset() == value.replace(tzinfo=zone, fold=1).utcoffset():
        return
    there_and_back = earlier.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None)
    shown = value.isoformat(sep=" ", timespec="minutes")
    if there_and_back != value:
        what = f"{shown} does not exist in time zone {zone} (the clocks skip it)"
    else:
        what = f"{shown} happens twice in time zone {zone} (the clocks go back over it)"
    raise ArgumentError(f"{what}; send it with its UTC offset or pick another time")
