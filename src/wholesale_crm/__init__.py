"""wholesale-crm: typed domain objects and services for wholesale and distribution CRM.

The names below are the stable public face; everything else is reached through its module
(`wholesale_crm.accounts.model`, `wholesale_crm.services.accounts`, ...).
"""

from wholesale_crm._version import __version__
from wholesale_crm.accounts.credit import CreditCheck, CreditPolicy
from wholesale_crm.accounts.duplicates import DuplicateCandidate, find_duplicates
from wholesale_crm.accounts.hierarchy import Hierarchy
from wholesale_crm.accounts.model import (
    Account,
    AccountStatus,
    Address,
    Contact,
    ContactRole,
    Site,
    SiteRole,
    Tier,
)
from wholesale_crm.accounts.terms import (
    EarlyPaymentDiscount,
    EndOfMonth,
    FixedDayNextMonth,
    Installment,
    InstallmentPart,
    Installments,
    NetDays,
    PaymentTerms,
)
from wholesale_crm.activities.cadences import Cadence
from wholesale_crm.activities.callplans import CallPlan
from wholesale_crm.activities.model import Interaction
from wholesale_crm.activities.tasks import FollowUp
from wholesale_crm.activities.worklist import DayView
from wholesale_crm.adapters.memory import MemoryStore, MemoryUnitOfWork
from wholesale_crm.aggregate import Aggregate
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.catalog.tree import CategoryTree
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
from wholesale_crm.imports.invoice_lines import import_invoice_lines
from wholesale_crm.imports.mapping import ColumnMapping
from wholesale_crm.imports.online_retail import ONLINE_RETAIL_II
from wholesale_crm.imports.report import ImportReport
from wholesale_crm.money import Money
from wholesale_crm.orders.model import Invoice, Order, OrderLine, Payment, Return
from wholesale_crm.orders.statement import Statement
from wholesale_crm.periods import DateRange
from wholesale_crm.pipeline.model import Lead, Opportunity, Pipeline, Stage
from wholesale_crm.pricing.exchange import ExchangeRates
from wholesale_crm.pricing.model import PriceList, PriceRule
from wholesale_crm.pricing.pricer import Pricer, PriceResult
from wholesale_crm.pricing.quotes import Quote
from wholesale_crm.quantities import Quantity, Unit
from wholesale_crm.reorder.bgnbd import BGNBDModel, fit_bgnbd
from wholesale_crm.reorder.predictor import ReorderPrediction, ReorderPredictor
from wholesale_crm.repositories import Collection, Index, Repository, UnitOfWork
from wholesale_crm.serialization import from_dict, from_json, to_dict, to_json
from wholesale_crm.territories.coverage import Coverage
from wholesale_crm.territories.engine import AssignmentEngine
from wholesale_crm.territories.model import Territory, TerritoryType
from wholesale_crm.territories.realignment import RealignmentPlan
from wholesale_crm.territories.rules import Criterion
from wholesale_crm.territories.visibility import Visibility

__all__ = [
    "ONLINE_RETAIL_II",
    "AccessDenied",
    "Account",
    "AccountStatus",
    "Address",
    "Aggregate",
    "AssignmentEngine",
    "BGNBDModel",
    "CRMError",
    "Cadence",
    "CallPlan",
    "Category",
    "CategoryTree",
    "Clock",
    "Collection",
    "ColumnMapping",
    "ConcurrencyConflict",
    "Conflict",
    "Contact",
    "ContactRole",
    "Coverage",
    "CreditCheck",
    "CreditPolicy",
    "Criterion",
    "CurrencyMismatch",
    "DateRange",
    "DayView",
    "DuplicateCandidate",
    "DuplicateRecord",
    "EarlyPaymentDiscount",
    "EndOfMonth",
    "Event",
    "ExchangeRates",
    "FieldError",
    "FixedClock",
    "FixedDayNextMonth",
    "FollowUp",
    "Hierarchy",
    "ImportReport",
    "Index",
    "Installment",
    "InstallmentPart",
    "Installments",
    "Interaction",
    "Invoice",
    "Lead",
    "MemoryStore",
    "MemoryUnitOfWork",
    "MessageBus",
    "Money",
    "NetDays",
    "NotFound",
    "Opportunity",
    "Order",
    "OrderLine",
    "Payment",
    "PaymentTerms",
    "Pipeline",
    "PolicyViolation",
    "PriceList",
    "PriceResult",
    "PriceRule",
    "Pricer",
    "Product",
    "Quantity",
    "Quote",
    "RealignmentPlan",
    "ReorderPrediction",
    "ReorderPredictor",
    "Repository",
    "Return",
    "RuleError",
    "Site",
    "SiteRole",
    "Stage",
    "Statement",
    "SystemClock",
    "Territory",
    "TerritoryType",
    "Tier",
    "Unit",
    "UnitOfWork",
    "ValidationError",
    "Visibility",
    "__version__",
    "find_duplicates",
    "fit_bgnbd",
    "from_dict",
    "from_json",
    "import_invoice_lines",
    "to_dict",
    "to_json",
]
