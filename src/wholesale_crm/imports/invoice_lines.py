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
from typing import TextIO, TypeVar

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
K = TypeVar("K")
V = TypeVar("V")

_MEMO_LIMIT = 200_000
"""Most entries a parsing memo keeps; a full memo starts afresh, so memory stays bounded."""


def _remember(memo: dict[K, V], key: K, value: V) -> V:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


class _RowError(Exception):
    """A row is left out: carries the report entry's column, code and reason.

    The row checks return it (a hundred thousand rows without a customer should not cost a
    hundred thousand raises); the parsing helpers, whose failures are rare, raise it.
    """

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
    """Checks rows and gathers them into documents.

    Exports repeat the same few values on every row, so whatever has been parsed and checked
    is kept by its raw text (up to `_MEMO_LIMIT` entries per memo): the number of each quantity
    or price cell, the date of each date cell, and the validated `OrderLine` of each (stock
    code, quantity, price, unit) seen on an imported row. A row whose line is already known
    only runs the checks that depend on its document and account. Equal lines share one frozen
    `OrderLine`.
    """

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
        col = self.col
        self.at = (col["invoice"], col["product"], col["customer"], col["quantity"])
        self.at_price, self.at_day = col["unit_price"], col["day"]
        self.at_unit, self.at_currency = col.get("unit"), col.get("currency")
        self.no_customer = _RowError(
            mapping.customer, "no_customer", "no customer: the row is not imported", ""
        )
        self.accounts: dict[str, str] = {}  # id -> currency
        self.products: dict[str, Product] = {}
        self.seen: dict[str, str] = {}  # documents written by this import -> their account
        self.refused: set[str] = set()  # documents that existed before it
        self.doc: _Document | None = None
        self.skipped: dict[str, bool] = {}  # stock code -> skipped by the non-product rule
        self.days: dict[str, date] = {}  # date cell -> parsed date
        self.numbers: dict[str, Decimal] = {}  # number cell -> parsed number
        self.currencies: set[str] = set()  # currency cells that are ISO 4217 codes
        # (code, quantity cell, price cell, unit cell) -> (checked line, signed quantity)
        self.lines: dict[tuple[str, str, str, str], tuple[OrderLine, Decimal]] = {}

    # -- parsing ----------------------------------------------------------------------------

    def _cell(self, row: list[str], field: str) -> str:
        return row[self.col[field]].strip()

    def _number(self, row: list[str], field: str) -> Decimal:
        text = row[self.col[field]]
        value = self.numbers.get(text)
        if value is not None:
            return value
        raw = text.replace(".", "").replace(",", ".") if self.mapping.decimal_comma else text
        try:
            value = Decimal(raw)  # surrounding blanks are allowed
        except InvalidOperation:
            raise _RowError(self._name(field), "bad_number", "is not a number", text) from None
        if not value.is_finite():
            raise _RowError(self._name(field), "bad_number", "is not a finite number", text)
        return _remember(self.numbers, text, value)

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

    def _currency(self, row: list[str]) -> str:
        currency = self._cell(row, "currency")
        if currency not in self.currencies:
            try:
                validate_currency(currency)
            except ValidationError:
                raise _RowError(
                    self._name("currency"), "bad_currency", "is not an ISO 4217 code", currency
                ) from None
            self.currencies.add(currency)
        return currency

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

    def add_row(self, row: list[str]) -> _RowError | None:
        """Add one row to the current document, or return (or raise) why it is left out.

        The checks run in a fixed order and the first that fails is reported.
        """
        # The common path is written out inline: it runs once per row of files with millions.
        m = self.mapping
        if len(row) != self.width:
            return _RowError(
                "(row)", "bad_row", f"has {len(row)} fields, the header {self.width}", ",".join(row)
            )
        at_invoice, at_product, at_customer, at_quantity = self.at
        invoice = row[at_invoice].strip()
        if not invoice:
            return _RowError(m.invoice, "missing", "is blank", invoice)
        code = row[at_product].strip()
        if not code:
            return _RowError(m.product, "missing", "is blank", code)
        customer = row[at_customer].strip()
        suffix = m.customer_suffix
        if suffix and customer.endswith(suffix):
            customer = customer[: -len(suffix)]
        if not customer:
            return self.no_customer
        at_unit = self.at_unit
        key = (code, row[at_quantity], row[self.at_price], "" if at_unit is None else row[at_unit])
        known = self.lines.get(key)
        doc = self.doc
        if (
            known is None
            or doc is None
            or doc.id != invoice
            or doc.account_id != customer
            or self.at_currency is not None
        ):
            return self._add_checked(row, invoice, code, customer, key, known)
        # Another known line of the document being gathered, for its customer, in the file's
        # currency: the stock code, quantity, price and unit passed before on the same cells,
        # and the document and account checks passed on the document's first row. Only the
        # sign (against this document) and the date cell are left to check.
        line, quantity = known
        if (quantity < 0) is not doc.cancellation:
            return self._bad_sign(quantity, doc.cancellation)
        day_text = row[self.at_day]
        if day_text not in self.days:
            self._day(day_text)
        doc.lines.append(line)
        return None

    def _bad_sign(self, quantity: Decimal, cancellation: bool) -> _RowError | None:
        if cancellation and quantity > 0:
            reason = "must be negative on a cancellation"
        elif not cancellation and quantity < 0:
            reason = "is negative outside a cancellation"
        else:
            return None
        return _RowError(self.mapping.quantity, "bad_sign", reason, str(quantity))

    def _day(self, text: str) -> date:
        day = self.days.get(text)
        if day is None:
            day = _remember(self.days, text, self._parse_day(text.strip()))
        return day

    def _add_checked(
        self,
        row: list[str],
        invoice: str,
        code: str,
        customer: str,
        key: tuple[str, str, str, str],
        known: tuple[OrderLine, Decimal] | None,
    ) -> _RowError | None:
        """`add_row` past the blank checks, running every check a row needs.

        A row whose line is `known` skips the checks of its stock code, quantity, price and
        unit: they passed before on the same cells.
        """
        m = self.mapping
        if known is None:
            skip = self.skipped.get(code)
            if skip is None:
                skip = self.skipped[code] = (
                    self.rule.action is NonProductAction.SKIP and self.rule.matches(code)
                )
            if skip:
                return _RowError(
                    m.product, "non_product", "is not a product: skipped by the rule", code
                )
            quantity = self._number(row, "quantity")
            if quantity == 0:
                return _RowError(m.quantity, "zero_quantity", "must not be zero", str(quantity))
        else:
            quantity = known[1]
        prefix = m.cancellation_prefix
        cancellation = prefix is not None and invoice.startswith(prefix)
        bad_sign = self._bad_sign(quantity, cancellation)
        if bad_sign is not None:
            return bad_sign
        if known is None:
            price = self._number(row, "unit_price")
            if price < 0:
                return _RowError(m.unit_price, "negative_price", "must not be negative", str(price))
        day = self._day(row[self.at_day])
        currency = m.default_currency if self.at_currency is None else self._currency(row)
        doc = self.doc
        new_run = doc is None or doc.id != invoice
        # A document that was in the repositories before this import is not imported again.
        if new_run and (
            invoice in self.refused or (invoice not in self.seen and self._exists(invoice))
        ):
            self.refused.add(invoice)
            return _RowError(m.invoice, "duplicate", "was imported before", invoice)
        owner = self.seen.get(invoice) if doc is None or new_run else doc.account_id
        if owner is not None and owner != customer:
            return _RowError(
                m.customer, "customer_mismatch", f"differs from {owner} on {invoice}", customer
            )
        account_currency = self.accounts.get(customer) or self._known_currency(customer)
        if account_currency is not None and account_currency != currency:
            return _RowError(
                self._name("currency") if self.at_currency is not None else m.customer,
                "wrong_currency",
                f"is not account {customer}'s currency {account_currency}",
                currency,
            )
        if known is None:
            product, new_product = self._product(code, row)
            unit = self._unit(row, product)
            line = OrderLine(product.id, abs(quantity), price, unit.code, unit.factor)
            if new_product:
                self.uow.repository(PRODUCTS).add(product)
                self.products[code] = product
                self.report.products_created += 1
            _remember(self.lines, key, (line, quantity))
        else:
            line = known[0]
        # Every check passed: only now create what the row refers to.
        if account_currency is None:
            self._create_account(customer, row, currency, day)
        if doc is None or new_run:
            self.flush()
            doc = self.doc = self._start(invoice, customer, day, cancellation)
        doc.lines.append(line)
        return None

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
            the collector would scan again and again (a quarter of the time on the Online
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
        read = 0
        for row in rows:
            read += 1
            try:
                bad = handle(row)
            except _RowError as raised:
                bad = raised
            if bad is not None:
                reject(reader.line_num, bad.column, bad.code, bad.reason, bad.value)
        importer.flush()
        report.rows_read = read
        report.rows_imported = read - len(report.rejections)
        uow.commit()
