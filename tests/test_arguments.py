from __future__ import annotations

import datetime
import typing
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import pytest

from live_views import LiveTemplateView, live_event
from live_views.arguments import (
    MAX_INT,
    MAX_LIST_ITEMS,
    ArgumentError,
    Signature,
    build_coercer,
)


def coerce(annotation: Any, value: Any) -> Any:
    return build_coercer(annotation, where="View.handler")(value)


# -- str ---------------------------------------------------------------------------------------


def test_str_keeps_a_string():
    assert coerce(str, "hello") == "hello"


def test_str_keeps_an_empty_string():
    assert coerce(str, "") == ""


@pytest.mark.parametrize(("value", "expected"), [(5, "5"), (-2, "-2"), (1.5, "1.5")])
def test_str_turns_numbers_into_strings(value, expected):
    assert coerce(str, value) == expected


@pytest.mark.parametrize("value", [True, False, None, ["a"]])
def test_str_refuses_non_strings(value):
    with pytest.raises(ArgumentError, match="expected a string"):
        coerce(str, value)


# -- int ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 12), ("12", 12), (" 12 ", 12), ("-7", -7), ("+7", 7), (3.0, 3), (0, 0)],
)
def test_int_accepts_integers_digit_strings_and_integral_floats(value, expected):
    result = coerce(int, value)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize("value", [True, False])
def test_int_refuses_bools(value):
    with pytest.raises(ArgumentError, match="got bool"):
        coerce(int, value)


@pytest.mark.parametrize("value", [1.5, "1.5", "12abc", "", "1e3", None, [1], "0x10", float("nan")])
def test_int_refuses_non_integers(value):
    with pytest.raises(ArgumentError, match="expected an integer"):
        coerce(int, value)


def test_int_accepts_the_largest_64_bit_values():
    assert coerce(int, MAX_INT) == 2**63 - 1
    assert coerce(int, str(-MAX_INT)) == -(2**63 - 1)


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, str(2**63), 1e20, 10**100])
def test_int_refuses_values_beyond_64_bits(value):
    with pytest.raises(ArgumentError):
        coerce(int, value)


@pytest.mark.parametrize("value", ["\u0661\u0662", "\uff11\uff12", "\u00b2"])
def test_int_refuses_non_ascii_digits(value):
    with pytest.raises(ArgumentError, match="expected an integer"):
        coerce(int, value)


def test_int_refuses_overlong_digit_strings():
    with pytest.raises(ArgumentError, match="expected an integer"):
        coerce(int, "1" * 200)


# -- float -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [(1.5, 1.5), (2, 2.0), ("1.5", 1.5), ("-3e2", -300.0), (" 4 ", 4.0)]
)
def test_float_accepts_numbers_and_numeric_strings(value, expected):
    result = coerce(float, value)
    assert result == expected
    assert type(result) is float


@pytest.mark.parametrize("value", [True, False])
def test_float_refuses_bools(value):
    with pytest.raises(ArgumentError, match="got bool"):
        coerce(float, value)


@pytest.mark.parametrize(
    "value",
    ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", float("nan"), float("inf"), float("-inf")],
)
def test_float_refuses_nan_and_infinity(value):
    with pytest.raises(ArgumentError, match="finite"):
        coerce(float, value)


@pytest.mark.parametrize("value", ["abc", "", None, [1.5], "1" * 101])
def test_float_refuses_non_numbers(value):
    with pytest.raises(ArgumentError, match="expected a number"):
        coerce(float, value)


def test_float_refuses_an_integer_too_big_for_a_float():
    with pytest.raises(ArgumentError):
        coerce(float, 10**400)


# -- bool --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("on", True),
        ("off", False),
        ("true", True),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("yes", True),
        ("no", False),
        ("", False),
        (1, True),
        (0, False),
    ],
)
def test_bool_accepts_booleans_checkbox_and_form_values(value, expected):
    assert coerce(bool, value) is expected


@pytest.mark.parametrize("value", [2, -1, 1.0, "maybe", "y", None, [True]])
def test_bool_refuses_other_values(value):
    with pytest.raises(ArgumentError, match="expected a boolean"):
        coerce(bool, value)


# -- Decimal -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.50", Decimal("1.50")),
        (3, Decimal(3)),
        (" -2.5 ", Decimal("-2.5")),
        ("1e2", Decimal(100)),
    ],
)
def test_decimal_accepts_numbers_and_numeric_strings(value, expected):
    result = coerce(Decimal, value)
    assert result == expected
    assert isinstance(result, Decimal)


def test_decimal_keeps_the_digits_as_written():
    assert str(coerce(Decimal, "1.50")) == "1.50"


def test_decimal_from_a_float_uses_its_short_repr_not_its_binary_value():
    assert coerce(Decimal, 1.1) == Decimal("1.1")


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-inf", float("nan"), float("inf")])
def test_decimal_refuses_nan_and_infinity(value):
    with pytest.raises(ArgumentError):
        coerce(Decimal, value)


@pytest.mark.parametrize("value", [True, None, [1], "abc", ""])
def test_decimal_refuses_non_numbers(value):
    with pytest.raises(ArgumentError, match="expected a decimal number"):
        coerce(Decimal, value)


@pytest.mark.parametrize("value", ["1e400000000000", "1e-400000000000"])
def test_decimal_refuses_exponents_far_beyond_the_length_limit(value):
    with pytest.raises(ArgumentError):
        coerce(Decimal, value)


def test_decimal_refuses_overlong_strings():
    with pytest.raises(ArgumentError, match="too long"):
        coerce(Decimal, "1" * 101)


# -- date, datetime, time ----------------------------------------------------------------------


def test_date_parses_iso_dates():
    assert coerce(datetime.date, "2024-02-29") == datetime.date(2024, 2, 29)


@pytest.mark.parametrize(
    "value", ["2024-02-30", "29/02/2024", "2024-02-29T10:00", "", "tomorrow", 20240229, None]
)
def test_date_refuses_non_iso_dates(value):
    with pytest.raises(ArgumentError, match="expected an ISO date"):
        coerce(datetime.date, value)


def test_datetime_parses_iso_datetimes_with_offsets():
    result = coerce(datetime.datetime, "2024-02-29T13:45:00+01:00")
    assert result == datetime.datetime(2024, 2, 29, 12, 45, tzinfo=datetime.UTC)
    assert result.utcoffset() == datetime.timedelta(hours=1)


def test_datetime_parses_a_z_suffix_as_utc():
    result = coerce(datetime.datetime, "2024-02-29T13:45:00Z")
    assert result == datetime.datetime(2024, 2, 29, 13, 45, tzinfo=datetime.UTC)


def test_datetime_returns_a_datetime_not_a_date():
    assert type(coerce(datetime.datetime, "2024-02-29 13:45")) is datetime.datetime


@pytest.mark.parametrize("value", ["2024-02-29T25:00", "yesterday", "", 1709210700])
def test_datetime_refuses_invalid_values(value):
    with pytest.raises(ArgumentError, match="expected an ISO datetime"):
        coerce(datetime.datetime, value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("13:45", datetime.time(13, 45)), ("13:45:30.5", datetime.time(13, 45, 30, 500000))],
)
def test_time_parses_iso_times(value, expected):
    assert coerce(datetime.time, value) == expected


@pytest.mark.parametrize("value", ["25:00", "1pm", "", 1345])
def test_time_refuses_invalid_values(value):
    with pytest.raises(ArgumentError, match="expected an ISO time"):
        coerce(datetime.time, value)


@pytest.mark.parametrize("annotation", [datetime.date, datetime.datetime, datetime.time])
def test_date_and_time_refuse_overlong_strings(annotation):
    with pytest.raises(ArgumentError, match="string"):
        coerce(annotation, "2024-02-29" + " " * 200)


# -- UUID --------------------------------------------------------------------------------------

SOME_UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")


@pytest.mark.parametrize(
    "value", [str(SOME_UUID), str(SOME_UUID).upper(), SOME_UUID.hex, "{" + str(SOME_UUID) + "}"]
)
def test_uuid_parses_uuid_strings(value):
    assert coerce(uuid.UUID, value) == SOME_UUID


@pytest.mark.parametrize("value", ["not-a-uuid", "", "1234"])
def test_uuid_refuses_invalid_strings(value):
    with pytest.raises(ArgumentError, match="expected a UUID"):
        coerce(uuid.UUID, value)


@pytest.mark.parametrize("value", [12345, None, "a" * 65])
def test_uuid_refuses_non_strings_and_overlong_strings(value):
    with pytest.raises(ArgumentError, match="expected a UUID string"):
        coerce(uuid.UUID, value)


# -- list[X] -----------------------------------------------------------------------------------


def test_list_coerces_each_item():
    assert coerce(list[int], ["1", 2, 3.0]) == [1, 2, 3]


def test_list_turns_a_single_value_into_a_one_item_list():
    assert coerce(list[int], "3") == [3]


def test_list_accepts_an_empty_list():
    assert coerce(list[str], []) == []


def test_list_accepts_the_maximum_number_of_items():
    assert len(coerce(list[int], [1] * MAX_LIST_ITEMS)) == MAX_LIST_ITEMS


def test_list_refuses_more_than_the_maximum_number_of_items():
    with pytest.raises(ArgumentError, match="too many items"):
        coerce(list[int], [1] * (MAX_LIST_ITEMS + 1))


def test_list_refuses_a_bad_item():
    with pytest.raises(ArgumentError, match="expected an integer"):
        coerce(list[int], [1, "two"])


def test_list_of_str_refuses_nested_lists():
    with pytest.raises(ArgumentError):
        coerce(list[str], [["a"]])


def test_list_of_any_takes_a_list_of_single_values():
    assert coerce(list[Any], ["a", 1, None]) == ["a", 1, None]


# -- Optional[X] / X | None --------------------------------------------------------------------


@pytest.mark.parametrize(
    "annotation",
    [typing.Optional[int], int | None, typing.Union[int, None]],  # noqa: UP007, UP045
)
def test_optional_int_takes_blank_as_none(annotation):
    assert coerce(annotation, "") is None


@pytest.mark.parametrize("annotation", [typing.Optional[int], int | None])  # noqa: UP045
def test_optional_int_takes_null_and_coerces_values(annotation):
    assert coerce(annotation, None) is None
    assert coerce(annotation, "5") == 5


def test_optional_int_still_refuses_bad_values():
    with pytest.raises(ArgumentError, match="expected an integer"):
        coerce(int | None, "five")


@pytest.mark.parametrize("annotation", [typing.Optional[str], str | None])  # noqa: UP045
def test_optional_str_keeps_blank_as_a_string(annotation):
    assert coerce(annotation, "") == ""
    assert coerce(annotation, None) is None


@pytest.mark.parametrize(
    "annotation", [datetime.date | None, Decimal | None, bool | None, list[int] | None]
)
def test_optional_of_other_types_takes_blank_as_none(annotation):
    assert coerce(annotation, "") is None


def test_optional_date_parses_a_date():
    assert coerce(datetime.date | None, "2024-01-02") == datetime.date(2024, 1, 2)


# -- unannotated -------------------------------------------------------------------------------


def unannotated(self, value, *, hinted: Any = None) -> None:
    pass


UNANNOTATED = Signature.of(unannotated, where="View.unannotated").coercers


@pytest.mark.parametrize("name", ["value", "hinted"])
@pytest.mark.parametrize("value", ["x", "", 1, 1.5, True, None])
def test_unannotated_and_any_parameters_take_single_values_as_they_came(name, value):
    result = UNANNOTATED[name](value)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize("name", ["value", "hinted"])
@pytest.mark.parametrize("value", [[1], {"a": 1}])
def test_unannotated_and_any_parameters_refuse_containers(name, value):
    with pytest.raises(ArgumentError, match="expected a single value"):
        UNANNOTATED[name](value)


# -- unsupported hints: TypeError at definition time -------------------------------------------


class Point:
    pass


@pytest.mark.parametrize(
    "annotation",
    [
        dict,
        dict[str, int],
        dict[str, Any],
        Mapping[str, Any],
        tuple[Any, ...],
        set[Any],
        list,
        list[dict[str, Any]],
        typing.Optional[dict],  # noqa: UP045
        int | str,
        int | str | None,
        Literal["a", "b"],
        bytes,
        object,
        Point,
        list[dict],
    ],
)
def test_build_coercer_refuses_unsupported_hints(annotation):
    with pytest.raises(TypeError, match="unsupported type hint"):
        build_coercer(annotation, where="View.handler(arg)")


def test_unsupported_hint_error_names_the_place_and_the_supported_types():
    with pytest.raises(TypeError) as excinfo:
        build_coercer(dict, where="CartView.update(data)")
    message = str(excinfo.value)
    assert message.startswith("CartView.update(data): unsupported type hint")
    for name in ("str", "int", "float", "bool", "Decimal", "date", "UUID", "list[...]"):
        assert name in message


def test_unsupported_hint_fails_when_the_view_class_is_defined():
    with pytest.raises(TypeError, match=r"CartView\.update\(data\)"):

        class CartView(LiveTemplateView):
            @live_event
            def update(self, data: dict[str, Any]) -> None:
                pass


# -- Signature.bind ----------------------------------------------------------------------------


def handler(self, amount: int, note: str | None = None, *rest: Any, **extra: Any) -> None:
    pass


def no_arguments(self) -> None:
    pass


def keyword_only(self, *, day: datetime.date, flag: bool = False) -> None:
    pass


SIGNATURE = Signature.of(handler, where="View.handler")


def test_signature_lists_declared_parameters_without_self_args_or_kwargs():
    assert [p.name for p in SIGNATURE.parameters] == ["amount", "note"]
    assert [p.required for p in SIGNATURE.parameters] == [True, False]


def test_bind_coerces_explicit_arguments():
    assert SIGNATURE.bind({"amount": "2", "note": "hi"}, {}) == {"amount": 2, "note": "hi"}


def test_bind_leaves_out_missing_optional_arguments():
    assert SIGNATURE.bind({"amount": 2}, {}) == {"amount": 2}


def test_bind_refuses_unknown_explicit_arguments_naming_them_and_the_expected_ones():
    with pytest.raises(ArgumentError) as excinfo:
        SIGNATURE.bind({"amount": 1, "bogus": 1, "other": 2}, {})
    message = str(excinfo.value)
    assert "'bogus'" in message
    assert "'other'" in message
    assert "expected amount, note" in message


def test_bind_refuses_any_argument_for_a_handler_without_parameters():
    signature = Signature.of(no_arguments, where="View.reset")
    with pytest.raises(ArgumentError, match="unknown argument 'x'; expected no arguments"):
        signature.bind({"x": 1}, {})


def test_bind_truncates_long_unknown_names():
    with pytest.raises(ArgumentError) as excinfo:
        SIGNATURE.bind({"amount": 1, "z" * 1000: 1}, {})
    assert "z" * 41 not in str(excinfo.value)


def test_bind_never_exposes_self():
    with pytest.raises(ArgumentError, match="unknown argument 'self'"):
        SIGNATURE.bind({"amount": 1, "self": 2}, {})


@pytest.mark.parametrize("name", ["rest", "extra"])
def test_bind_never_fills_var_args_or_var_kwargs_from_explicit_arguments(name):
    with pytest.raises(ArgumentError, match=f"unknown argument '{name}'"):
        SIGNATURE.bind({"amount": 1, name: [1]}, {})


def test_bind_fills_only_declared_parameters_from_the_form():
    form = {"amount": "3", "csrfmiddlewaretoken": "abc", "rest": "1", "extra": "2", "q": "x"}
    assert SIGNATURE.bind({}, form) == {"amount": 3}


def test_bind_prefers_explicit_arguments_over_form_values():
    assert SIGNATURE.bind({"amount": 1}, {"amount": "9", "note": "from form"}) == {
        "amount": 1,
        "note": "from form",
    }


def test_bind_refuses_a_missing_required_argument_saying_where_it_comes_from():
    with pytest.raises(ArgumentError) as caught:
        SIGNATURE.bind({"note": "x"}, {})
    assert str(caught.value) == (
        "missing required argument 'amount': give it in {% live_on %} (amount=...) or as a "
        "field named 'amount' of the element's form (the form sent no fields)"
    )


def test_a_missing_argument_names_the_fields_the_form_sent():
    # An <input> whose name is not the handler's parameter (or has no name at all).
    with pytest.raises(ArgumentError, match=r"\(the form sent 'amont', 'csrfmiddlewaretoken'\)$"):
        SIGNATURE.bind({}, {"amont": "3", "csrfmiddlewaretoken": "abc"})


def test_bind_names_the_argument_that_does_not_coerce():
    with pytest.raises(ArgumentError, match="argument 'amount': expected an integer"):
        SIGNATURE.bind({"amount": "lots"}, {})


def test_bind_refuses_null_for_a_required_int():
    with pytest.raises(ArgumentError, match="argument 'amount'"):
        SIGNATURE.bind({"amount": None}, {})


def test_bind_fills_keyword_only_parameters():
    signature = Signature.of(keyword_only, where="View.pick")
    assert signature.bind({}, {"day": "2024-01-02", "flag": "on"}) == {
        "day": datetime.date(2024, 1, 2),
        "flag": True,
    }


def test_signature_refuses_positional_only_parameters():
    def positional(self, amount: int, /) -> None:
        pass

    with pytest.raises(TypeError, match="positional-only"):
        Signature.of(positional, where="View.positional")


def test_a_model_class_is_a_row_named_by_its_primary_key():
    from django.contrib.auth.models import User

    from live_views.arguments import RowRef

    coerce = build_coercer(User, where="View.handler(user)")
    assert coerce("7") == RowRef(User, 7)
    with pytest.raises(ArgumentError, match="primary key of a User"):
        coerce("seven")
    with pytest.raises(ArgumentError, match="primary key of a User"):
        coerce({"pk__gt": 0})


def test_a_text_primary_key_with_a_nul_is_refused_before_the_lookup():
    # PostgreSQL cannot take NUL in text: its lookup raised DataError in the event's lookup,
    # a server error with a traceback, where any other key that names no row is bad_arguments.
    from django.contrib.sessions.models import Session

    from live_views.arguments import RowRef

    coerce = build_coercer(Session, where="View.handler(session)")
    assert coerce("abc") == RowRef(Session, "abc")
    with pytest.raises(ArgumentError, match="primary key of a Session"):
        coerce("a\x00b")
