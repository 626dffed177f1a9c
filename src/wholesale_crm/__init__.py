"""wholesale-crm: typed domain objects and services for wholesale and distribution CRM.

The names below are the stable public face; everything else is reached through its module
(`wholesale_crm.accounts.model`, `wholesale_crm.services.accounts`, ...).
"""

from wholesale_crm._version import __version__
from wholesale_crm.adapters.memory import MemoryStore, MemoryUnitOfWork
from wholesale_crm.aggregate import Aggregate
from wholesale_crm.clock import Clock, FixedClock, SystemClock
from wholesale_crm.errors import (
    AccessDenied,
    ConcurrencyConflict,
    Conflict,
    CRMError,
    CurrencyMismatch,
    DuplicateRecord,
    FieldError,
    NotFound,
    PolicyViolation,
    RuleError,
    ValidationError,
)
from wholesale_crm.events import Event, MessageBus
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.quantities import Quantity, Unit
from wholesale_crm.repositories import Collection, Index, Repository, UnitOfWork
from wholesale_crm.serialization import from_dict, from_json, to_dict, to_json

__all__ = [
    "AccessDenied",
    "Aggregate",
    "CRMError",
    "Clock",
    "Collection",
    "ConcurrencyConflict",
    "Conflict",
    "CurrencyMismatch",
    "DateRange",
    "DuplicateRecord",
    "Event",
    "FieldError",
    "FixedClock",
    "Index",
    "MemoryStore",
    "MemoryUnitOfWork",
    "MessageBus",
    "Money",
    "NotFound",
    "PolicyViolation",
    "Quantity",
    "Repository",
    "RuleError",
    "SystemClock",
    "Unit",
    "UnitOfWork",
    "ValidationError",
    "__version__",
    "from_dict",
    "from_json",
    "to_dict",
    "to_json",
]
