"""The sample order history is deterministic and consistent; the demo section prints from it."""

from __future__ import annotations

import io
import random
from datetime import date

import attrs

from wholesale_crm.accounts.model import Account
from wholesale_crm.demo.orders import show
from wholesale_crm.orders.model import Invoice, Order, OrderStatus, Payment, Return
from wholesale_crm.orders.statement import statement
from wholesale_crm.samples import SampleWholesaler, generate
from wholesale_crm.samples.orders import SampleHistory, build
from wholesale_crm.serialization import to_dict


def history(seed: int = 7) -> tuple[SampleWholesaler, SampleHistory]:
    data = generate(seed)
    return data, build(random.Random(seed), data.accounts, data.products, data.as_of)


def test_the_same_seed_gives_the_same_history() -> None:
    _, first = history()
    _, again = history()
    assert to_dict(first.orders) == to_dict(again.orders)
    assert to_dict(first.payments) == to_dict(again.payments)


def test_the_history_is_consistent() -> None:
    data, h = history()
    assert 500 < len(h.orders) < 2000
    assert {o.status for o in h.orders} == set(OrderStatus)
    invoiced = {o.invoice_id for o in h.orders if o.status is OrderStatus.INVOICED}
    assert invoiced <= {i.id for i in h.invoices}
    assert all(p.received_on < data.as_of for p in h.payments)
    for payment in h.payments:
        assert payment.allocated() == payment.amount
    for account in data.accounts:
        s = statement(account.id, account.currency, h.invoices, h.payments, data.as_of)
        assert s.aging.total == s.open_balance


@attrs.define
class Data:
    as_of: date
    accounts: list[Account]
    orders: list[Order]
    returns: list[Return]
    invoices: list[Invoice]
    payments: list[Payment]


def test_demo_prints_a_statement_and_the_top_accounts() -> None:
    data, h = history()
    out = io.StringIO()
    show(Data(data.as_of, data.accounts, h.orders, h.returns, h.invoices, h.payments), out)
    text = out.getvalue()
    assert "Statement of" in text
    assert "aging: current" in text
    assert text.count("RFM") == 5
