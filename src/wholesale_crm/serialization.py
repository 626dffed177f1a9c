"""The library's one JSON converter: every domain object to plain data and back.

Decimals travel as strings (`"12.30"`), dates and aware datetimes in ISO 8601, `Money` as
`{"amount": "12.30", "currency": "EUR"}`, and a field typed as a union of attrs classes carries
the class name in `"type"`. Structuring refuses unknown keys, and every problem in the input
comes out as one `ValidationError` whose paths point into the document (`$.lines[2].quantity`).
"""

from __future__ import annotations

import enum
import json
import types
import typing
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from wholesale_crm.clock import require_aware
from wholesale_crm.errors import FieldError, ValidationError
from wholesale_crm.money import to_decimal
from wholesale_crm.validation import enum_value

__all__ = ["converter", "from_dict", "from_json", "to_dict", "to_json"]

T = TypeVar("T")
TAG = "type"

converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
"""The configured `cattrs.Converter`; register hooks for your own types on it if you need to."""


def _structure_date(value: Any, _: type) -> date:
    if not isinstance(value, str):
        raise ValidationError.field("", value, "must be an ISO 8601 date string (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError.field("", value, "is not an ISO 8601 date (YYYY-MM-DD)") from None


def _structure_datetime(value: Any, _: type) -> datetime:
    if not isinstance(value, str):
        raise ValidationError.field("", value, "must be an ISO 8601 datetime string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError.field("", value, "is not an ISO 8601 datetime") from None
    return require_aware(parsed, "")


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise ValidationError.field("", value, "must be a string")
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError.field("", value, "must be an integer")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValidationError.field("", value, "must be true or false")
    return value


converter.register_unstructure_hook(Decimal, str)
converter.register_structure_hook(Decimal, lambda v, _: to_decimal(v, ""))
converter.register_unstructure_hook(date, date.isoformat)
converter.register_structure_hook(date, _structure_date)
converter.register_unstructure_hook(datetime, lambda d: require_aware(d, "").isoformat())
converter.register_structure_hook(datetime, _structure_datetime)
converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(bool, _structure_bool)
# Enums travel as their values. StrEnum/IntEnum are registered on their own because their
# method resolution order puts str/int (plain pass-through) before Enum.
for _enum_base in (enum.Enum, enum.StrEnum, enum.IntEnum):
    converter.register_unstructure_hook(_enum_base, lambda e: e.value)
    converter.register_structure_hook(_enum_base, lambda v, t: enum_value(t, v, ""))


# -- tagged unions of attrs classes ---------------------------------------------------------


def _union_members(tp: Any) -> tuple[list[type], bool] | None:
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    args = typing.get_args(tp)
    members = [a for a in args if a is not type(None)]
    if len(members) < 2 or not all(isinstance(a, type) and attrs.has(a) for a in members):
        return None
    return members, len(members) != len(args)


def _is_attrs_union(tp: Any) -> bool:
    return _union_members(tp) is not None


def _unstructure_union_factory(tp: Any) -> Callable[[Any], Any]:
    def unstructure(value: Any) -> Any:
        if value is None:
            return None
        data = converter.unstructure(value, unstructure_as=type(value))
        return {TAG: type(value).__name__, **data}

    return unstructure


def _structure_union_factory(tp: Any) -> Callable[[Any, Any], Any]:
    found = _union_members(tp)
    assert found is not None  # guaranteed by the predicate
    members, optional = found
    by_tag = {m.__name__: m for m in members}

    def structure(value: Any, _: Any) -> Any:
        if value is None and optional:
            return None
        if not isinstance(value, dict):
            raise ValidationError.field("", value, f"must be an object with a {TAG!r} field")
        tag = value.get(TAG)
        if tag not in by_tag:
            raise ValidationError.field(TAG, tag, f"must be one of {sorted(by_tag)}")
        rest = {k: v for k, v in value.items() if k != TAG}
        return converter.structure(rest, by_tag[tag])

    return structure


converter.register_unstructure_hook_factory(_is_attrs_union, _unstructure_union_factory)
converter.register_structure_hook_factory(_is_attrs_union, _structure_union_factory)


# -- public functions -----------------------------------------------------------------------


def to_dict(obj: Any) -> Any:
    """Plain JSON-compatible data for `obj` (dicts, lists, strings, numbers, booleans)."""
    return converter.unstructure(obj)


def from_dict(cls: type[T], data: Any) -> T:
    """Build a `cls` from plain data, or raise one `ValidationError` listing every problem."""
    try:
        return converter.structure(data, cls)
    except Exception as exc:  # every failure to structure is bad input
        raise ValidationError(_field_errors(exc, "$", data)) from exc


def to_json(obj: Any, *, indent: int | None = None) -> str:
    """`obj` as a JSON string (keys in declaration order)."""
    return json.dumps(to_dict(obj), indent=indent, ensure_ascii=False)


def from_json(cls: type[T], text: str | bytes) -> T:
    """Parse JSON (numbers read exactly, as `Decimal`) and build a `cls` from it."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, TypeError) as exc:
        raise ValidationError.field("$", text[:80], f"is not valid JSON: {exc}") from None
    return from_dict(cls, data)


def _child(data: Any, key: Any) -> Any:
    try:
        return data[key]
    except (KeyError, IndexError, TypeError):
        return None


def _field_errors(exc: BaseException, path: str, data: Any) -> Iterator[FieldError]:
    """Flatten cattrs' nested exception groups into `FieldError`s with document paths."""
    if isinstance(exc, ValidationError):
        yield from exc.prefixed(path).errors
    elif isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            yield FieldError(f"{path}.{key}", _child(data, key), "is not a known field")
    elif isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            yield from _field_errors(sub, f"{path}.{note.name}", _child(data, note.name))
        for sub in without:
            yield from _field_errors(sub, path, data)
    elif isinstance(exc, IterableValidationError):
        with_index, without = exc.group_exceptions()
        for sub, inote in with_index:
            yield from _field_errors(sub, f"{path}[{inote.index!r}]", _child(data, inote.index))
        for sub in without:
            yield from _field_errors(sub, path, data)
    elif isinstance(exc, KeyError):
        yield FieldError(path, None, "is required")
    elif isinstance(exc, BaseExceptionGroup):
        for part in exc.exceptions:
            yield from _field_errors(part, path, data)
    else:
        yield FieldError(path, data, _describe(exc))


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"invalid value ({text})"
