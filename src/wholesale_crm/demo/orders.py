"""Demo section: an account statement with aging, and the top accounts by trailing revenue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol, TextIO

from wholesale_crm.accounts.model import Account
from wholesale_crm.money import Money
from wholesale_crm.orders.behaviour import buying_behaviour
from wholesale_crm.orders.history import line_facts
from wholesale_crm.orders.model import Invoice, Order, Payment, Return
from wholesale_crm.orders.statement import AGING_BUCKETS, Statement, statement
from wholesale_crm.samples.orders import EUR_PER_GBP

__all__ = ["OrdersData", "money", "show"]

LOCALE = "en_GB"


class OrdersData(Protocol):
    """What this section reads from the sample wholesaler."""

    @property
    def as_of(self) -> date:
        """The sample's "today"."""
        ...

    @property
    def accounts(self) -> Sequence[Account]:
        """The accounts."""
        ...

    @property
    def orders(self) -> Sequence[Order]:
        """The order history."""
        ...

    @property
    def returns(self) -> Sequence[Return]:
        """Returns and cancellations of invoiced orders."""
        ...

    @property
    def invoices(self) -> Sequence[Invoice]:
        """Invoices and credit notes."""
        ...

    @property
    def payments(self) -> Sequence[Payment]:
        """Payments received."""
        ...


def _statement(data: OrdersData, account: Account) -> Statement:
    return statement(
        account.id,
        account.currency,
        [i for i in data.invoices if i.account_id == account.id],
        [p for p in data.payments if p.account_id == account.id],
        data.as_of,
    )


def _gbp(amount: Decimal, currency: str) -> Decimal:
    return amount if currency == "GBP" else amount / EUR_PER_GBP


def money(amount: Money) -> str:
    """`amount` formatted for the demo's locale."""
    return amount.format(LOCALE)


def show(data: OrdersData, out: TextIO) -> None:
    """The statement of the account most overdue, then the top five accounts by revenue."""
    statements = {a.id: (a, _statement(data, a)) for a in data.accounts}
    account, worst = max(
        statements.values(), key=lambda pair: _gbp(pair[1].overdue.amount, pair[0].currency)
    )
    out.write(f"Statement of {account.name} ({account.id}) at the close of {worst.as_of}\n")
    out.write(f"  {'document':<10} {'issued':<10} {'due':<10} {'amount':>11} {'open':>11}  late\n")
    for line in worst.lines:
        out.write(
            f"  {line.invoice_id:<10} {line.issued_on} {line.due_on} "
            f"{money(line.amount):>11} {money(line.open):>11}  {line.days_overdue:>4}\n"
        )
    aging = ", ".join(
        f"{label} {money(amount)}"
        for label, amount in zip(AGING_BUCKETS, worst.aging.buckets(), strict=True)
    )
    out.write(f"  aging: {aging}\n")
    out.write(
        f"  open balance {money(worst.open_balance)} (unapplied credit "
        f"{money(worst.unapplied_credit)}), overdue {money(worst.overdue)}, "
        f"DSO {worst.dso} days, paid on average {worst.average_days_late} days late\n"
    )
    report = buying_behaviour(line_facts([*data.orders, *data.returns]), data.as_of)
    names: dict[str, str] = {a.id: a.name for a in data.accounts}
    ranked = sorted(
        report.accounts.values(),
        key=lambda b: (-_gbp(b.window(90).current, b.currency), b.account_id),
    )[:5]
    out.write("\nTop accounts by revenue over the last 90 days (euro accounts ranked in GBP)\n")
    for b in ranked:
        w = b.window(90)
        change = "new" if w.change is None else f"{w.change * 100:+.0f}%"
        out.write(
            f"  {names.get(b.account_id, b.account_id):<30} {money(b.money(w.current)):>12} "
            f"({change} on the 90 days before), {b.order_count} orders, RFM {b.rfm}\n"
        )
