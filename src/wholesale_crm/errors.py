"""The library's exceptions, one tree.

Every error the library raises on purpose derives from `CRMError`, so a caller can catch
everything of ours with one clause, or be as precise as it needs::

    CRMError
     +-- ValidationError (also ValueError)   bad input; carries the field path(s) and the value
     |    +-- CurrencyMismatch                 arithmetic or comparison across currencies
     +-- NotFound (also LookupError)          no aggregate with that id
     +-- Conflict
     |    +-- ConcurrencyConflict             stale version on save
     |    +-- DuplicateRecord                 an id that already exists
     +-- RuleError                            inconsistent configuration; names the rules/ids
     +-- PolicyViolation                      a business rule refuses (credit limit, stage move)
     +-- AccessDenied                         the acting user may not see or change that record
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

__all__ = [
    "AccessDenied",
    "CRMError",
    "ConcurrencyConflict",
    "Conflict",
    "CurrencyMismatch",
    "DuplicateRecord",
    "FieldError",
    "NotFound",
    "PolicyViolation",
    "RuleError",
    "ValidationError",
]


class CRMError(Exception):
    """Base class of every error the library raises on purpose."""


@attrs.frozen
class FieldError:
    """One problem with one input field.

    Attributes:
        path: Where the value sits, relative to the object being built (`amount`,
            `lines[2].quantity`), or from the document root (`$.lines[2].quantity`).
        value: The offending value, as given.
        message: What is wrong with it, in words a user can act on.
    """

    path: str
    value: Any
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} (got {self.value!r})"


_MISSING = object()


class ValidationError(CRMError, ValueError):
    """Bad input: one or more fields have values the library refuses.

    Build it for a single field with `ValidationError.field("currency", "XYZ", "unknown ...")`,
    or from several `FieldError`s. `errors` lists them all; `str()` reads as one line each.
    """

    errors: tuple[FieldError, ...]

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors) or "invalid input")

    @classmethod
    def field(cls, path: str, value: Any, message: str) -> ValidationError:
        """Create the error for one field."""
        return cls([FieldError(path, value, message)])

    @property
    def paths(self) -> tuple[str, ...]:
        """The field paths at fault, in order."""
        return tuple(e.path for e in self.errors)

    def prefixed(self, prefix: str) -> ValidationError:
        """Return the same error with every path placed under `prefix` (`$.lines[2]`)."""
        return type(self)([attrs.evolve(e, path=_join_path(prefix, e.path)) for e in self.errors])


class CurrencyMismatch(ValidationError):
    """Two amounts in different currencies were combined or compared."""


def _join_path(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path or path == "$":
        return prefix
    if path.startswith("$"):
        path = path[1:].lstrip(".")
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


class NotFound(CRMError, LookupError):
    """No aggregate of that kind has that id.

    Attributes:
        kind: The kind of record looked for (`"account"`).
        id: The id that was not found.
    """

    def __init__(self, kind: str, id: object) -> None:
        self.kind = kind
        self.id = id
        super().__init__(f"{kind} {id!r} not found")


class Conflict(CRMError):
    """The change clashes with the stored state."""


class ConcurrencyConflict(Conflict):
    """A save was based on a stale version: someone else saved the aggregate first."""

    def __init__(self, kind: str, id: object, expected: int, actual: int | None) -> None:
        self.kind = kind
        self.id = id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{kind} {id!r} was changed concurrently: saving version {expected}, "
            f"stored version is {actual if actual is not None else 'gone'}"
        )


class DuplicateRecord(Conflict):
    """A record with the same id (or unique key) already exists."""

    def __init__(self, kind: str, id: object) -> None:
        self.kind = kind
        self.id = id
        super().__init__(f"{kind} {id!r} already exists")


class RuleError(CRMError):
    """Configuration that cannot be applied consistently; `ids` names the rules at fault."""

    def __init__(self, message: str, ids: Iterable[object] = ()) -> None:
        self.ids = tuple(ids)
        super().__init__(message)


class PolicyViolation(CRMError):
    """A business rule refuses the operation; `details` holds the figures behind the refusal."""

    def __init__(self, message: str, details: object = None) -> None:
        self.details = details
        super().__init__(message)


class AccessDenied(CRMError):
    """The acting user may not see or change the record."""

    def __init__(self, user: object, kind: str, id: object) -> None:
        self.user = user
        self.kind = kind
        self.id = id
        super().__init__(f"user {user!r} may not access {kind} {id!r}")
