"""How an export's columns map onto order lines, and which codes are not products.

A `ColumnMapping` names the file's columns for each field an invoice line needs and says how
to read the values; a `NonProductRule` says which stock codes are charges or adjustments
(postage, bank charges, manual lines) and what to do with their rows.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from wholesale_crm.money import validate_currency
from wholesale_crm.validation import enum_value, non_blank

__all__ = ["ColumnMapping", "NonProductAction", "NonProductRule"]


def _currency(_: object, __: object, value: str) -> None:
    validate_currency(value, "default_currency")


@attrs.frozen
class ColumnMapping:
    """The columns of an invoice-line export and how to read them.

    Args:
        invoice: The invoice (document) number; rows sharing it form one document.
        product: The stock code (product id).
        quantity: The quantity; negative on cancellation documents.
        day: The invoice date, ISO 8601 (`2009-12-01` or `2009-12-01 07:45:00`) unless
            `date_format` says otherwise.
        unit_price: The price per unit, `.` as the decimal point unless `decimal_comma`.
        customer: The customer (account) id; a blank cell leaves the row out.
        description: The product description, used to name new products.
        country: The customer's country (name or ISO code), for new accounts' bill-to site.
        currency: A column holding each row's currency; without it every row is in
            `default_currency`.
        unit: A column holding the unit code; without it quantities are in base units.
        default_currency: The currency of the file (and of the accounts it creates).
        date_format: A `strptime` format for `day` when it is not ISO 8601.
        decimal_comma: Numbers use `,` as the decimal point (`1.234,50`).
        delimiter: The field separator (`;` in exports that use decimal commas).
        cancellation_prefix: Invoice numbers starting with it are cancellations or returns;
            `None` when the export has none.
        customer_suffix: Text to strip from customer ids (`".0"` for ids exported as floats).
        country_aliases: Country names the export uses that are not standard English names
            (`{"EIRE": "IE"}`).
    """

    invoice: str = attrs.field(validator=non_blank)
    product: str = attrs.field(validator=non_blank)
    quantity: str = attrs.field(validator=non_blank)
    day: str = attrs.field(validator=non_blank)
    unit_price: str = attrs.field(validator=non_blank)
    customer: str = attrs.field(validator=non_blank)
    description: str | None = None
    country: str | None = None
    currency: str | None = None
    unit: str | None = None
    default_currency: str = attrs.field(default="EUR", validator=_currency)
    date_format: str | None = None
    decimal_comma: bool = False
    delimiter: str = ","
    cancellation_prefix: str | None = None
    customer_suffix: str = ""
    country_aliases: dict[str, str] = attrs.Factory(dict)

    def columns(self) -> dict[str, str]:
        """The mapped columns, by field name (only those the mapping uses)."""
        names = (
            "invoice", "product", "quantity", "day", "unit_price", "customer",
            "description", "country", "currency", "unit",
        )  # fmt: skip
        return {n: v for n in names if (v := getattr(self, n)) is not None}


class NonProductAction(enum.StrEnum):
    """What to do with a row whose stock code is not a product."""

    SKIP = "skip"
    """Leave the row out; it is listed in the report (code `non_product`)."""
    KEEP = "keep"
    """Import it as an ordinary line (a product with that code is created or matched)."""


def _upper_codes(codes: Iterable[str]) -> frozenset[str]:
    return frozenset(c.strip().upper() for c in codes)


def _upper_prefixes(prefixes: Iterable[str]) -> tuple[str, ...]:
    return tuple(p.upper() for p in prefixes)


def _to_action(value: object) -> NonProductAction:
    return enum_value(NonProductAction, value, "action")


@attrs.frozen
class NonProductRule:
    """Which stock codes are not products (charges, adjustments), and what to do with them.

    Codes and prefixes are compared without regard to case.

    Args:
        codes: Exact stock codes (`POST`, `BANK CHARGES`).
        prefixes: Code prefixes (`gift_` for vouchers).
        action: Skip those rows (reported) or keep them as lines.
    """

    codes: frozenset[str] = attrs.field(factory=frozenset, converter=_upper_codes)
    prefixes: tuple[str, ...] = attrs.field(default=(), converter=_upper_prefixes)
    action: NonProductAction = attrs.field(default=NonProductAction.SKIP, converter=_to_action)

    def matches(self, code: str) -> bool:
        """True when `code` is not a product under this rule."""
        upper = code.upper()
        return upper in self.codes or upper.startswith(self.prefixes)
