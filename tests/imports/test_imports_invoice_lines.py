"""Importing invoice-line exports: mapping, report entries, matching, and all-or-nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wholesale_crm.accounts.model import Account
from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.catalog.model import Product
from wholesale_crm.errors import ValidationError
from wholesale_crm.imports.invoice_lines import import_invoice_lines
from wholesale_crm.imports.mapping import ColumnMapping, NonProductAction, NonProductRule
from wholesale_crm.imports.online_retail import ONLINE_RETAIL_CHARGES, ONLINE_RETAIL_II
from wholesale_crm.orders.model import OrderStatus, ReturnReason
from wholesale_crm.quantities import STANDARD_UNITS
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.repositories.catalog import PRODUCTS
from wholesale_crm.repositories.orders import ORDERS, RETURNS
from wholesale_crm.serialization import to_dict

HEADER = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n"
ROWS = """\
1001,A1,Red mug,12,2026-01-05 09:00:00,2.50,17001.0,United Kingdom
1001,B2,Blue jug,1,2026-01-05 09:00:00,10.125,17001.0,United Kingdom
1001,POST,Postage,1,2026-01-05 09:00:00,18.00,17001.0,United Kingdom
1002,A1,Red mug,6,2026-01-06 10:00:00,2.50,,United Kingdom
1003,A1,Red mug,x6,2026-01-06 10:00:00,2.50,17002.0,EIRE
1003,A1,Red mug,0,2026-01-06 10:00:00,2.50,17002.0,EIRE
1003,A1,Red mug,-2,2026-01-06 10:00:00,2.50,17002.0,EIRE
1003,B2,Blue jug,2,2026-13-06 10:00:00,10.00,17002.0,EIRE
1003,B2,Blue jug,2,2026-01-06 10:00:00,-1.00,17002.0,EIRE
1003,B2,Blue jug,2,2026-01-06 10:00:00,9.99,17002.0,EIRE
C1004,A1,Red mug,-3,2026-01-07 11:00:00,2.50,17001.0,United Kingdom
C1004,A1,Red mug,3,2026-01-07 11:00:00,2.50,17001.0,United Kingdom
1001,C3,Green bowl,1,2026-01-05 09:00:00,4.00,17001.0,United Kingdom
"""


def snapshot(uow: MemoryUnitOfWork) -> object:
    with uow:
        return {
            c.name: [to_dict(x) for x in uow.repository(c).list()]
            for c in (ACCOUNTS, PRODUCTS, ORDERS, RETURNS)
        }


def run(uow: MemoryUnitOfWork, text: str = HEADER + ROWS, **kwargs: object):  # type: ignore[no-untyped-def]
    return import_invoice_lines(
        uow, io.StringIO(text), ONLINE_RETAIL_II, non_products=ONLINE_RETAIL_CHARGES, **kwargs
    )


def test_rows_become_orders_and_returns_and_rejects_are_reported() -> None:
    uow = MemoryUnitOfWork()
    report = run(uow)
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (13, 5, 8)
    assert [(r.line, r.column, r.code) for r in report.rejections] == [
        (4, "StockCode", "non_product"),
        (5, "Customer ID", "no_customer"),
        (6, "Quantity", "bad_number"),
        (7, "Quantity", "zero_quantity"),
        (8, "Quantity", "bad_sign"),
        (9, "InvoiceDate", "bad_date"),
        (10, "Price", "negative_price"),
        (13, "Quantity", "bad_sign"),
    ]
    assert str(report.rejections[2]) == "line 6, Quantity: is not a number (got 'x6')"
    assert (report.orders, report.returns) == (2, 1)
    assert (report.accounts_created, report.products_created) == (2, 3)
    with uow:
        order = uow.repository(ORDERS).get("1001")
        # Line 14 belongs to invoice 1001 although the export lists it apart.
        assert [line.product_id for line in order.lines] == ["A1", "B2", "C3"]
        assert order.status is OrderStatus.INVOICED
        assert order.total.amount == Decimal("44.13")  # 30.00 + 10.13 (10.125 rounded) + 4.00
        credit = uow.repository(RETURNS).get("C1004")
        assert (credit.account_id, credit.reason) == ("17001", ReturnReason.CANCELLED)
        assert credit.lines[0].quantity == Decimal(3)
        irish = uow.repository(ACCOUNTS).get("17002")
        assert irish.sites[0].address.country == "IE"  # "EIRE", through the mapping's aliases
        assert uow.repository(PRODUCTS).get("A1").name == "Red mug"
    assert "no_customer: 1" in report.summary()


def test_reimporting_the_same_file_changes_nothing() -> None:
    uow = MemoryUnitOfWork()
    run(uow)
    before = snapshot(uow)
    report = run(uow)
    assert report.rows_imported == 0
    assert report.by_code()["duplicate"] == 5
    assert (report.accounts_matched, report.products_matched) == (0, 0)
    assert snapshot(uow) == before


def test_a_missing_column_is_fatal_and_leaves_the_store_unchanged() -> None:
    uow = MemoryUnitOfWork()
    before = snapshot(uow)
    with pytest.raises(ValidationError, match="lacks the mapped column"):
        run(uow, "Invoice,StockCode,Quantity\n1,A,1\n")
    assert snapshot(uow) == before


class Breaks:
    """A stream that fails half-way, like a truncated download."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)

    def __iter__(self) -> Iterator[str]:
        yield from self.lines[:4]
        raise OSError("connection reset")


def test_a_read_error_half_way_leaves_the_store_unchanged() -> None:
    uow = MemoryUnitOfWork()
    before = snapshot(uow)
    with pytest.raises(OSError, match="connection reset"):
        import_invoice_lines(uow, Breaks(HEADER + ROWS), ONLINE_RETAIL_II)  # type: ignore[arg-type]
    assert snapshot(uow) == before


def test_existing_accounts_are_matched_and_their_currency_enforced() -> None:
    uow = MemoryUnitOfWork()
    with uow:
        uow.repository(ACCOUNTS).add(Account("17001", "Known Ltd", currency="EUR"))
        uow.commit()
    report = run(uow)
    assert report.accounts_matched == 1
    assert report.by_code()["wrong_currency"] == 4  # 17001's rows are GBP, the account EUR


EACH = STANDARD_UNITS["EA"]

MAPPED = """\
doc;sku;qty;unit;when;price;cur;client
S1;TEA;2;BOX12;05/01/2026;1,50;EUR;K1
S1;TEA;3;CRATE;05/01/2026;1,50;EUR;K1
S1;TEA;1;EA;05/01/2026;0,20;USD;K1
S1;TEA;1;EA;05/01/2026;0,20;ZZZ;K1
"""


def test_a_custom_mapping_with_units_currency_and_decimal_commas() -> None:
    mapping = ColumnMapping(
        invoice="doc", product="sku", quantity="qty", unit="unit", day="when",
        unit_price="price", currency="cur", customer="client",
        date_format="%d/%m/%Y", decimal_comma=True, delimiter=";", default_currency="EUR",
    )  # fmt: skip
    uow = MemoryUnitOfWork()
    with uow:
        uow.repository(PRODUCTS).add(Product("TEA", "Tea", packs=[EACH.pack("BOX12", 12)]))
        uow.commit()
    report = import_invoice_lines(uow, io.StringIO(MAPPED), mapping)
    assert report.products_matched == 1
    assert [(r.line, r.code) for r in report.rejections] == [
        (3, "unknown_unit"),
        (4, "wrong_currency"),
        (5, "bad_currency"),
    ]
    with uow:
        line = uow.repository(ORDERS).get("S1").lines[0]
    assert (line.unit, line.factor, line.unit_price) == ("BOX12", Decimal(12), Decimal("1.50"))


def test_non_product_rows_can_be_kept() -> None:
    uow = MemoryUnitOfWork()
    rule = NonProductRule(codes={"post"}, action=NonProductAction.KEEP)
    report = import_invoice_lines(
        uow, io.StringIO(HEADER + ROWS), ONLINE_RETAIL_II, non_products=rule
    )
    assert report.by_code()["non_product"] == 0
    assert rule.matches("POST")


DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
REAL = DATA / "online_retail_II_2009-2010.csv.gz"


@pytest.mark.skipif(not REAL.exists(), reason="the Online Retail II file is not available")
def test_the_first_20000_lines_of_the_real_file() -> None:
    uow = MemoryUnitOfWork()
    report = import_invoice_lines(
        uow, REAL, ONLINE_RETAIL_II, non_products=ONLINE_RETAIL_CHARGES, limit=20_000
    )
    assert (report.rows_read, report.rows_imported) == (20_000, 15_107)
    assert report.by_code() == {"no_customer": 4_849, "non_product": 44}
    assert (report.orders, report.returns) == (706, 159)
    assert (report.accounts_created, report.products_created) == (627, 2_300)
    with uow:
        first = uow.repository(ORDERS).get("489434")
    assert first.account_id == "13085"
    assert first.total.amount == Decimal("505.30")


def test_the_garbage_collector_is_restored_after_an_import() -> None:
    import gc

    assert gc.isenabled()
    run(MemoryUnitOfWork())
    assert gc.isenabled()
    with pytest.raises(ValidationError):
        run(MemoryUnitOfWork(), "nothing,useful\n")
    assert gc.isenabled()


def test_a_document_keeps_its_first_customer() -> None:
    rows = (
        "2001,A1,Red mug,1,2026-01-05 09:00:00,2.50,17001.0,United Kingdom\n"
        "2001,A1,Red mug,1,2026-01-05 09:00:00,2.50,17009.0,United Kingdom\n"
        "2002,A1,Red mug,1,2026-01-05 09:00:00,2.50,17002.0,United Kingdom\n"
        "2001,B2,Blue jug,1,2026-01-05 09:00:00,2.50,17003.0,United Kingdom\n"
    )
    report = run(MemoryUnitOfWork(), HEADER + rows)
    assert [(r.line, r.code) for r in report.rejections] == [
        (3, "customer_mismatch"),
        (5, "customer_mismatch"),
    ]
    assert report.accounts_created == 2


def test_rows_repeating_known_cells_are_still_checked() -> None:
    # Rows 3 and 6 repeat cells that were imported before: their date, sign and customer
    # are still checked against their own document.
    rows = (
        "3001,A1,Red mug,12,2026-01-05 09:00:00,2.50,17001.0,United Kingdom\n"
        "3001,A1,Red mug,12,2026-13-05 09:00:00,2.50,17001.0,United Kingdom\n"
        "C3002,A1,Red mug,12,2026-01-06 09:00:00,2.50,17001.0,United Kingdom\n"
        "C3002,A1,Red mug,-12,2026-01-06 09:00:00,2.50,17001.0,United Kingdom\n"
        "C3002,A1,Red mug,12,2026-01-06 09:00:00,2.50,17001.0,United Kingdom\n"
        "3001,A1,Red mug,12,2026-01-05 09:00:00,2.50,17002.0,United Kingdom\n"
        "3001,A1,Red mug,12,2026-01-05 09:00:00,2.50,17001.0,United Kingdom\n"
    )
    uow = MemoryUnitOfWork()
    report = run(uow, HEADER + rows)
    assert [(r.line, r.code) for r in report.rejections] == [
        (3, "bad_date"),
        (4, "bad_sign"),
        (6, "bad_sign"),
        (7, "customer_mismatch"),
    ]
    assert report.rows_imported == 3
    with uow:
        order = uow.repository(ORDERS).get("3001")
        credit = uow.repository(RETURNS).get("C3002")
    assert [line.quantity for line in order.lines] == [Decimal(12), Decimal(12)]
    assert order.total.amount == Decimal("60.00")  # 2 x 12 x 2.50, the second line apart
    assert credit.lines[0].quantity == Decimal(12)


INVOICES = st.sampled_from(["4001", "4002", "C4003", "", "4001"])
CODES = st.sampled_from(["A1", "B2", "POST", ""])
QUANTITIES = st.sampled_from(["1", "-1", "0", "2.5", "x", " 3"])
DAYS = st.sampled_from(["2026-01-05", "2026-01-06 10:00:00", "2026-02-30"])
PRICES = st.sampled_from(["2.50", "0", "-1", "abc", "1.125"])
CUSTOMERS = st.sampled_from(["17001.0", "17002.0", ""])
ROW = st.tuples(INVOICES, CODES, QUANTITIES, DAYS, PRICES, CUSTOMERS)


@settings(max_examples=60, deadline=None)
@given(st.lists(ROW, max_size=25))
def test_every_row_is_imported_once_or_reported_once(
    rows: list[tuple[str, str, str, str, str, str]],
) -> None:
    text = HEADER + "".join(
        f"{inv},{code},Thing,{qty},{day},{price},{cust},United Kingdom\n"
        for inv, code, qty, day, price, cust in rows
    )
    uow = MemoryUnitOfWork()
    report = run(uow, text)
    assert report.rows_read == len(rows)
    assert report.rows_imported + report.rows_rejected == len(rows)
    lines = [r.line for r in report.rejections]
    assert lines == sorted(set(lines))  # one entry per rejected row, in file order
    with uow:
        stored = sum(len(doc.lines) for c in (ORDERS, RETURNS) for doc in uow.repository(c).list())
    assert stored == report.rows_imported


def test_full_memos_start_afresh_without_changing_the_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import wholesale_crm.imports.invoice_lines as module

    unbounded = MemoryUnitOfWork()
    expected = run(unbounded)
    monkeypatch.setattr(module, "_MEMO_LIMIT", 1)
    bounded = MemoryUnitOfWork()
    report = run(bounded)
    assert report == expected
    assert snapshot(bounded) == snapshot(unbounded)
