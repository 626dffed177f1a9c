"""Import CSV exports of invoice lines into orders and returns, streaming row by row.

Rows sharing an invoice number form one document: an `Order` (status invoiced: the export
lists what was invoiced), or, when the number starts with the mapping's cancellation prefix, a
`Return` with reason `cancelled` against the same account (quantities made positive: the
document says it is a credit). The accounts and products the rows name are matched by id, or
created the first time they appear.

A row that cannot be imported is left out and listed in the `ImportReport` with its line
number, column and reason: blank customer, malformed number or date, zero quantity, a sign
that contradicts the document, a negative price, an unknown unit, another currency than the
account's, a document already in the repositories, or a stock code the `NonProductRule` skips.
A fatal problem (missing columns, an unreadable file) raises, and since the whole import is one
unit of work, the repositories are then exactly as they were.
"""

from __future__ import annotations

import csv
import functools
import gc
import gzip
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO

import babel

from wholesale_crm.accounts.model import Account, AccountStatus, Address, Site, SiteRole
from wholesale_crm.catalog.model import Product
from wholesale_crm.errors import ValidationError
from wholesale_crm.ids import AccountId, OrderId, ProductId, SiteId
from wholesale_crm.imports.mapping import ColumnMapping, NonProductAction, NonProductRule
from wholesale_crm.imports.report import ImportReport
from wholesale_crm.money import validate_currency
from wholesale_crm.orders.model import Order, OrderLine, OrderStatus, Return, ReturnId, ReturnReason
from wholesale_crm.quantities import STANDARD_UNITS, Unit
from wholesale_crm.repositories import UnitOfWork
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.repositories.catalog import PRODUCTS
from wholesale_crm.repositories.orders import ORDERS, RETURNS

__all__ = ["import_invoice_lines"]

Source = str | Path | TextIO


class _RowError(Exception):
    """A row is left out: carries the report entry's column, code and reason."""

    def __init__(self, column: str, code: str, reason: str, value: str) -> None:
        super().__init__(reason)
        self.column, self.code, self.reason, self.value = column, code, reason, value


@contextmanager
def _open(source: Source) -> Iterator[TextIO]:
    if not isinstance(source, str | Path):
        yield source
        return
    path = Path(source)
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8", newline="") as text:
            yield text
    else:
        with path.open(encoding="utf-8", newline="") as text:
            yield text


@functools.lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    territories = babel.Locale("en").territories
    return {str(name).casefold(): str(code) for code, name in territories.items() if code.isalpha()}


def _country_code(raw: str, aliases: dict[str, str]) -> str | None:
    if raw in aliases:
        return aliases[raw]
    if len(raw) == 2 and raw.isalpha() and raw.upper() in babel.Locale("en").territories:
        return raw.upper()
    return _country_names().get(raw.casefold())


def _iso_day(text: str) -> date:
    # Date and time exports: the business date is the date part (`2009-12-01 07:45:00`).
    head, sep, _ = text.partition(" ") if " " in text else text.partition("T")
    day = date.fromisoformat(head)
    if sep and len(text) > len(head) + 1:
        datetime.fromisoformat(f"{head}T{text[len(head) + 1 :]}")
    return day


class _Document:
    """The lines gathered for one invoice number so far."""

    def __init__(self, id: str, account_id: str, day: date, cancellation: bool) -> None:
        self.id, self.account_id, self.day, self.cancellation = id, account_id, day, cancellation
        self.lines: list[OrderLine] = []
        self.existing: Order | Return | None = None  # staged earlier in this import


class _Importer:
    def __init__(
        self,
        uow: UnitOfWork,
        mapping: ColumnMapping,
        rule: NonProductRule,
        report: ImportReport,
        header: list[str],
    ) -> None:
        self.uow, self.mapping, self.rule, self.report = uow, mapping, rule, report
        missing = [c for c in mapping.columns().values() if c not in header]
        if missing:
            raise ValidationError.field(
                "header", header, f"lacks the mapped column(s) {', '.join(missing)}"
            )
        self.col = {field: header.index(name) for field, name in mapping.columns().items()}
        self.width = len(header)
        self.accounts: dict[str, str] = {}  # id -> currency
        self.products: dict[str, Product] = {}
        self.seen: dict[str, str] = {}  # documents written by this import -> their account
        self.refused: set[str] = set()  # documents that existed before it
        self.doc: _Document | None = None
        self.skipped: dict[str, bool] = {}  # stock code -> skipped by the non-product rule
        self.days: dict[str, date] = {}  # date text -> parsed date

    # -- parsing ----------------------------------------------------------------------------

    def _cell(self, row: list[str], field: str) -> str:
        return row[self.col[field]].strip()

    def _number(self, row: list[str], field: str) -> Decimal:
        text = row[self.col[field]]
        raw = text.replace(".", "").replace(",", ".") if self.mapping.decimal_comma else text
        try:
            value = Decimal(raw)  # surrounding blanks are allowed
        except InvalidOperation:
            raise _RowError(self._name(field), "bad_number", "is not a number", text) from None
        if not value.is_finite():
            raise _RowError(self._name(field), "bad_number", "is not a finite number", text)
        return value

    def _day(self, row: list[str]) -> date:
        text = row[self.col["day"]].strip()
        day = self.days.get(text)
        if day is None:
            day = self.days[text] = self._parse_day(text)
        return day

    def _parse_day(self, text: str) -> date:
        try:
            if self.mapping.date_format is None:
                return _iso_day(text)
            # A business date: no time zone is involved, only the calendar day is kept.
            return datetime.strptime(text, self.mapping.date_format).date()  # noqa: DTZ007
        except ValueError:
            expected = self.mapping.date_format or "ISO 8601 (YYYY-MM-DD[ HH:MM:SS])"
            message = f"is not a date in {expected}"
            raise _RowError(self._name("day"), "bad_date", message, text) from None

    def _name(self, field: str) -> str:
        return self.mapping.columns()[field]

    # -- matching and creating --------------------------------------------------------------

    def _known_currency(self, id: str) -> str | None:
        """The currency of account `id` when it exists (or was created by this import)."""
        if id not in self.accounts:
            repo = self.uow.repository(ACCOUNTS)
            if id not in repo:
                return None
            self.accounts[id] = repo.get(id).currency
            self.report.accounts_matched += 1
        return self.accounts[id]

    def _create_account(self, id: str, row: list[str], currency: str, day: date) -> None:
        sites, attributes = [], {}
        raw = self._cell(row, "country") if "country" in self.col else ""
        code = _country_code(raw, self.mapping.country_aliases) if raw else None
        if code is not None:
            address = Address(country=code)
            sites.append(Site(SiteId(f"{id}-bill"), SiteRole.BILL_TO, address, is_default=True))
        elif raw:
            attributes["country"] = raw  # a region the export names but ISO does not
        account = Account(
            AccountId(id),
            f"Customer {id}",
            status=AccountStatus.ACTIVE,
            currency=currency,
            sites=sites,
            attributes=attributes,
        )
        account.mark_opened(on=day)
        self.uow.repository(ACCOUNTS).add(account)
        self.accounts[id] = currency
        self.report.accounts_created += 1

    def _product(self, code: str, row: list[str]) -> tuple[Product, bool]:
        """The product `code` and whether it is new (not yet stored)."""
        product = self.products.get(code)
        if product is not None:
            return product, False
        repo = self.uow.repository(PRODUCTS)
        if code in repo:
            product = self.products[code] = repo.get(code)
            self.report.products_matched += 1
            return product, False
        name = self._cell(row, "description") if "description" in self.col else ""
        return Product(ProductId(code), name or code), True

    def _unit(self, row: list[str], product: Product) -> Unit:
        if "unit" not in self.col:
            return product.base_unit
        code = self._cell(row, "unit") or product.base_unit.code
        unit = product.units.get(code) or STANDARD_UNITS.get(code)
        if unit is None or unit.base != product.base_unit.code:
            raise _RowError(
                self._name("unit"), "unknown_unit", f"is not a unit of product {product.id}", code
            )
        return unit

    # -- rows and documents -----------------------------------------------------------------

    def add_row(self, row: list[str]) -> None:
        """Add one row to the current document, or raise `_RowError` to leave it out."""
        # The common path is written out inline: it runs once per row of files with millions.
        m, col = self.mapping, self.col
        if len(row) != self.width:
            raise _RowError(
                "(row)", "bad_row", f"has {len(row)} fields, the header {self.width}", ",".join(row)
            )
        invoice = row[col["invoice"]].strip()
        if not invoice:
            raise _RowError(m.invoice, "missing", "is blank", invoice)
        code = row[col["product"]].strip()
        if not code:
            raise _RowError(m.product, "missing", "is blank", code)
        customer = row[col["customer"]].strip()
        if m.customer_suffix and customer.endswith(m.customer_suffix):
            customer = customer[: -len(m.customer_suffix)]
        if not customer:
            raise _RowError(m.customer, "no_customer", "no customer: the row is not imported", "")
        skip = self.skipped.get(code)
        if skip is None:
            skip = self.skipped[code] = (
                self.rule.action is NonProductAction.SKIP and self.rule.matches(code)
            )
        if skip:
            raise _RowError(m.product, "non_product", "is not a product: skipped by the rule", code)
        quantity = self._number(row, "quantity")
        prefix = m.cancellation_prefix
        cancellation = prefix is not None and invoice.startswith(prefix)
        if quantity == 0:
            raise _RowError(m.quantity, "zero_quantity", "must not be zero", str(quantity))
        if cancellation and quantity > 0:
            raise _RowError(
                m.quantity, "bad_sign", "must be negative on a cancellation", str(quantity)
            )
        if not cancellation and quantity < 0:
            raise _RowError(
                m.quantity, "bad_sign", "is negative outside a cancellation", str(quantity)
            )
        price = self._number(row, "unit_price")
        if price < 0:
            raise _RowError(m.unit_price, "negative_price", "must not be negative", str(price))
        day = self._day(row)
        currency = m.default_currency
        if "currency" in col:
            currency = self._cell(row, "currency")
            try:
                validate_currency(currency)
            except ValidationError:
                raise _RowError(
                    self._name("currency"), "bad_currency", "is not an ISO 4217 code", currency
                ) from None
        doc = self.doc
        new_run = doc is None or doc.id != invoice
        # A document that was in the repositories before this import is not imported again.
        if new_run and (
            invoice in self.refused or (invoice not in self.seen and self._exists(invoice))
        ):
            self.refused.add(invoice)
            raise _RowError(m.invoice, "duplicate", "was imported before", invoice)
        owner = doc.account_id if doc is not None and doc.id == invoice else self.seen.get(invoice)
        if owner is not None and owner != customer:
            raise _RowError(
                m.customer, "customer_mismatch", f"differs from {owner} on {invoice}",
                customer,
            )  # fmt: skip
        known = self.accounts.get(customer) or self._known_currency(customer)
        if known is not None and known != currency:
            raise _RowError(
                self._name("currency") if "currency" in col else m.customer,
                "wrong_currency",
                f"is not account {customer}'s currency {known}",
                currency,
            )
        product = self.products.get(code)
        new_product = product is None
        if product is None:
            product, new_product = self._product(code, row)
        unit = self._unit(row, product) if "unit" in col else product.base_unit
        # Every check passed: only now create what the row refers to.
        if known is None:
            self._create_account(customer, row, currency, day)
        if new_product:
            self.uow.repository(PRODUCTS).add(product)
            self.products[code] = product
            self.report.products_created += 1
        if doc is None or doc.id != invoice:
            self.flush()
            doc = self.doc = self._start(invoice, customer, day, cancellation)
        doc.lines.append(OrderLine(product.id, abs(quantity), price, unit.code, unit.factor))
        self.report.rows_imported += 1

    def _exists(self, id: str) -> bool:
        return id in self.uow.repository(ORDERS) or id in self.uow.repository(RETURNS)

    def _start(self, id: str, account: str, day: date, cancellation: bool) -> _Document:
        doc = _Document(id, account, day, cancellation)
        if id in self.seen:
            # The export listed this document's lines in two places: extend what was staged.
            if cancellation:
                doc.existing = self.uow.repository(RETURNS).get(id)
            else:
                doc.existing = self.uow.repository(ORDERS).get(id)
        return doc

    def flush(self) -> None:
        doc, self.doc = self.doc, None
        if doc is None or not doc.lines:
            return
        if isinstance(doc.existing, Return):
            doc.existing.lines.extend(doc.lines)
            self.uow.repository(RETURNS).save(doc.existing)
            return
        if isinstance(doc.existing, Order):
            doc.existing.lines.extend(doc.lines)
            self.uow.repository(ORDERS).save(doc.existing)
            return
        currency = self.accounts[doc.account_id]
        account_id = AccountId(doc.account_id)
        if doc.cancellation:
            ret = Return(
                ReturnId(doc.id), account_id, doc.day, currency, doc.lines, ReturnReason.CANCELLED
            )
            self.uow.repository(RETURNS).add(ret)
            self.report.returns += 1
        else:
            order = Order(
                OrderId(doc.id), account_id, doc.day, currency, doc.lines,
                status=OrderStatus.INVOICED, status_changed_on=doc.day,
            )  # fmt: skip
            self.uow.repository(ORDERS).add(order)
            self.report.orders += 1
        self.seen[doc.id] = doc.account_id


def import_invoice_lines(
    uow: UnitOfWork,
    source: Source,
    mapping: ColumnMapping,
    *,
    non_products: NonProductRule | None = None,
    limit: int | None = None,
    pause_gc: bool = True,
) -> ImportReport:
    """Import an invoice-line export into orders and returns, in one transaction.

    Args:
        uow: The unit of work to import into; committed once at the end.
        source: A path (`.csv`, or `.csv.gz` read compressed) or an open text stream.
        mapping: The file's columns.
        non_products: Which stock codes are not products; none by default.
        limit: Read at most this many data rows (a quick look at a big file).
        pause_gc: Pause Python's cyclic garbage collector while importing, and restore it
            after. A big import creates hundreds of thousands of long-lived objects, which
            the collector would scan again and again (a third of the time on the Online
            Retail II file). The pause is process-wide: pass `False` if other threads must
            not have it.

    Returns:
        The report: counts, and every row left out with its line, column and reason.

    Raises:
        ValidationError: the file is empty or lacks a mapped column; nothing is imported.
        OSError, UnicodeDecodeError, csv.Error: the file cannot be read; nothing is imported.
    """
    rule = non_products or NonProductRule()
    report = ImportReport()
    collecting = gc.isenabled()
    if pause_gc:
        gc.disable()
    try:
        _read(uow, source, mapping, rule, report, limit)
    finally:
        if collecting:
            gc.enable()
    return report


def _read(
    uow: UnitOfWork,
    source: Source,
    mapping: ColumnMapping,
    rule: NonProductRule,
    report: ImportReport,
    limit: int | None,
) -> None:
    with _open(source) as text, uow:
        reader = csv.reader(text, delimiter=mapping.delimiter)
        header = next(reader, None)
        if header is None:
            raise ValidationError.field("source", str(source), "is empty: no header row")
        importer = _Importer(uow, mapping, rule, report, [h.strip() for h in header])
        rows = reader if limit is None else itertools.islice(reader, limit)
        handle, reject = importer.add_row, report.reject
        for row in rows:
            report.rows_read += 1
            try:
                handle(row)
            except _RowError as bad:
                reject(reader.line_num, bad.column, bad.code, bad.reason, bad.value)
        importer.flush()
        uow.commit()
