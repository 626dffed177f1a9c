"""Small attrs validators shared by the domain packages; each raises `ValidationError`."""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import babel

from wholesale_crm.errors import ValidationError

__all__ = [
    "country_code",
    "email",
    "enum_value",
    "non_blank",
    "non_negative",
    "optional",
    "percentage",
    "positive",
]

Validator = Callable[[Any, Any, Any], None]
E = TypeVar("E", bound=enum.Enum)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def _name(attribute: Any) -> str:
    return str(getattr(attribute, "alias", None) or attribute.name).lstrip("_")


def non_blank(_: Any, attribute: Any, value: Any) -> None:
    """A string with at least one non-space character."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.field(_name(attribute), value, "must be a non-empty string")


def non_negative(_: Any, attribute: Any, value: Any) -> None:
    """A number (or `Money`) that is zero or more."""
    amount = getattr(value, "amount", value)
    if amount < 0:
        raise ValidationError.field(_name(attribute), value, "must not be negative")


def positive(_: Any, attribute: Any, value: Any) -> None:
    """A number (or `Money`) greater than zero."""
    amount = getattr(value, "amount", value)
    if amount <= 0:
        raise ValidationError.field(_name(attribute), value, "must be greater than zero")


def percentage(_: Any, attribute: Any, value: Decimal) -> None:
    """A percentage from 0 to 100 inclusive."""
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError.field(_name(attribute), value, "must be between 0 and 100")


def email(_: Any, attribute: Any, value: Any) -> None:
    """An email address of the usual shape (`name@domain.tld`)."""
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise ValidationError.field(_name(attribute), value, "is not a valid email address")


@functools.lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    return frozenset(str(c) for c in babel.Locale("en").territories if str(c).isalpha())


def country_code(_: Any, attribute: Any, value: Any) -> None:
    """An ISO 3166-1 alpha-2 country code known to babel (`GB`, `DE`)."""
    if not isinstance(value, str) or value not in _territories():
        raise ValidationError.field(_name(attribute), value, "is not an ISO 3166 country code")


def optional(validator: Validator) -> Validator:
    """Apply `validator` unless the value is `None`."""

    def check(instance: Any, attribute: Any, value: Any) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return check


def enum_value(cls: type[E], value: Any, path: str) -> E:
    """`cls(value)`, or a `ValidationError` at `path` listing the allowed values."""
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in cls)
        raise ValidationError.field(path, value, f"must be one of: {allowed}") from None
