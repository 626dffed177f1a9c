"""Quotes: lines priced at a moment and frozen with their explanations.

A `Quote` keeps, for each line, the unit price, line total, list and rule used and the full
`Explanation`, as they were when it was priced, so a quote reads the same next month whatever
happens to the price lists. `quote_for` prices one; `Quote.issue` records `QuoteIssued`;
`reprice` prices the same lines again on another date and returns a per-line diff;
`Quote.format` renders it with babel in the account's locale, with the payment terms.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
import babel.dates
import babel.numbers

from wholesale_crm.accounts.model import Account
from wholesale_crm.accounts.terms import PaymentTerms
from wholesale_crm.aggregate import Aggregate
from wholesale_crm.catalog.model import Product
from wholesale_crm.clock import require_aware
from wholesale_crm.errors import PolicyViolation, ValidationError
from wholesale_crm.events import Event
from wholesale_crm.ids import AccountId, QuoteId
from wholesale_crm.money import Money
from wholesale_crm.pricing.explain import Explanation
from wholesale_crm.pricing.pricer import Pricer, QuantityLike
from wholesale_crm.validation import enum_value, non_blank

__all__ = [
    "LineChange",
    "Quote",
    "QuoteIssued",
    "QuoteLine",
    "QuoteStatus",
    "quote_for",
    "reprice",
]


class QuoteStatus(enum.StrEnum):
    """A quote is a draft until it is issued to the customer."""

    DRAFT = "draft"
    ISSUED = "issued"


@attrs.frozen
class QuoteLine:
    """One priced line, frozen with its explanation. `quantity` is in base units (`unit`)."""

    product_id: str
    quantity: Decimal
    unit: str
    unit_price: Money
    line_total: Money
    price_list_id: str
    rule_id: str
    explanation: Explanation


@attrs.frozen
class QuoteIssued(Event):
    """A quote was issued to its account."""

    quote_id: QuoteId
    account_id: AccountId
    total: Money
    issued_at: datetime
    valid_until: date | None


def _status(value: object) -> QuoteStatus:
    return enum_value(QuoteStatus, value, "status")


@attrs.define(eq=False)
class Quote(Aggregate):
    """Lines priced for an account on `priced_on`, with totals and payment terms."""

    kind = "quote"

    id: QuoteId = attrs.field(validator=non_blank)
    account_id: AccountId = attrs.field(validator=non_blank)
    currency: str
    locale: str
    priced_on: date
    lines: list[QuoteLine] = attrs.Factory(list)
    payment_terms: PaymentTerms | None = None
    status: QuoteStatus = attrs.field(default=QuoteStatus.DRAFT, converter=_status)
    issued_at: datetime | None = None
    valid_until: date | None = None

    def __attrs_post_init__(self) -> None:
        for i, line in enumerate(self.lines):
            if line.line_total.currency != self.currency:
                raise ValidationError.field(
                    f"lines[{i}].line_total.currency",
                    line.line_total.currency,
                    f"must be the quote's currency {self.currency}",
                )

    @property
    def total(self) -> Money:
        """The sum of the line totals."""
        return sum((line.line_total for line in self.lines), Money.zero(self.currency))

    def issue(self, *, at: datetime, valid_until: date | None = None) -> None:
        """Issue the quote to the customer, recording `QuoteIssued`.

        Raises:
            PolicyViolation: the quote is already issued, or has no lines.
            ValidationError: `at` is not timezone-aware, or `valid_until` precedes the
                pricing date.
        """
        at = require_aware(at, "at").astimezone(UTC)  # instants are stored in UTC
        if self.status is QuoteStatus.ISSUED:
            raise PolicyViolation(
                f"quote {self.id} is already issued", {"issued_at": self.issued_at}
            )
        if not self.lines:
            raise PolicyViolation(f"quote {self.id} has no lines to issue", {"lines": 0})
        if valid_until is not None and valid_until < self.priced_on:
            raise ValidationError.field(
                "valid_until", valid_until, f"must not precede the pricing date {self.priced_on}"
            )
        self.status, self.issued_at, self.valid_until = QuoteStatus.ISSUED, at, valid_until
        self.record(QuoteIssued(self.id, self.account_id, self.total, at, valid_until))

    def format(self) -> str:
        """The quote as text, figures and dates formatted with babel in the quote's locale."""
        loc = self.locale
        out = [
            f"Quote {self.id} for {self.account_id}, priced on "
            f"{babel.dates.format_date(self.priced_on, 'long', locale=loc)}"
        ]
        for line in self.lines:
            qty = babel.numbers.format_decimal(line.quantity, locale=loc)
            out.append(
                f"  {line.product_id:<12} {qty:>8} {line.unit:<4} x "
                f"{line.unit_price.format(loc):>12} = {line.line_total.format(loc):>14}"
            )
        out.append(f"  {'Total':<12} {self.total.format(loc):>45}")
        if self.payment_terms is not None:
            out.append(f"Payment terms: {self.payment_terms.describe()}")
        if self.valid_until is not None:
            out.append(
                f"Valid until {babel.dates.format_date(self.valid_until, 'long', locale=loc)}"
            )
        return "\n".join(out)


def quote_for(
    pricer: Pricer,
    account: Account,
    items: Iterable[tuple[Product, QuantityLike]],
    *,
    on: date,
    quote_id: str,
) -> Quote:
    """A draft quote of `items` priced for `account` on `on`, with each line's explanation.

    The quote takes the account's currency, locale and payment terms.
    """
    lines = []
    for product, quantity in items:
        result = pricer.price(account, product, quantity, on=on)
        lines.append(
            QuoteLine(
                product.id,
                result.quantity,
                product.base_unit.code,
                result.unit_price,
                result.line_total,
                result.price_list_id,
                result.rule_id,
                result.explain(),
            )
        )
    return Quote(
        QuoteId(quote_id),
        account.id,
        account.currency,
        account.locale,
        on,
        lines,
        account.payment_terms,
    )


@attrs.frozen
class LineChange:
    """One quote line priced again: the old and new price, and the list/rule behind each."""

    line: int
    product_id: str
    quantity: Decimal
    old_unit_price: Money
    new_unit_price: Money
    old_rule: str
    """`"<price list>/<rule>"` that set the quoted price."""
    new_rule: str

    @property
    def changed(self) -> bool:
        """True when the unit price differs."""
        return self.new_unit_price != self.old_unit_price

    @property
    def rule_changed(self) -> bool:
        """True when a different list or rule sets the price now."""
        return self.new_rule != self.old_rule

    @property
    def difference(self) -> Money:
        """New unit price minus old."""
        return self.new_unit_price - self.old_unit_price

    def __str__(self) -> str:
        rule = f"{self.old_rule} -> {self.new_rule}" if self.rule_changed else self.old_rule
        return (
            f"line {self.line} {self.product_id}: {self.old_unit_price} -> "
            f"{self.new_unit_price} ({rule})"
        )


def reprice(
    quote: Quote,
    *,
    pricer: Pricer,
    account: Account,
    products: Mapping[str, Product],
    on: date,
) -> list[LineChange]:
    """Price the quote's lines again on `on`; one `LineChange` per line, in line order.

    The quote itself is not changed.

    Raises:
        ValidationError: `account` is not the quote's, or a line's product is missing from
            `products`.
    """
    if account.id != quote.account_id:
        raise ValidationError.field(
            "account", account.id, f"quote {quote.id} is for {quote.account_id}"
        )
    changes = []
    for i, line in enumerate(quote.lines, 1):
        product = products.get(line.product_id)
        if product is None:
            raise ValidationError.field(
                f"lines[{i}].product_id", line.product_id, "is not among the products given"
            )
        new = pricer.price_many(account, [(product, line.quantity)], on=on)[0]
        changes.append(
            LineChange(
                i,
                line.product_id,
                line.quantity,
                line.unit_price,
                new.unit_price,
                f"{line.price_list_id}/{line.rule_id}",
                f"{new.price_list_id}/{new.rule_id}",
            )
        )
    return changes
