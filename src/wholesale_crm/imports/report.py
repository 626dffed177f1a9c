"""What an import did: counts, and every row it did not import with the line, column and reason."""

from __future__ import annotations

from collections import Counter

import attrs

__all__ = ["ImportReport", "Rejection"]


@attrs.frozen
class Rejection:
    """One row left out of an import.

    Attributes:
        line: The row's line number in the file (the header is line 1).
        column: The column at fault (as named in the file's header).
        code: A short, stable category (`"no_customer"`, `"bad_number"`, `"non_product"`, ...)
            to count and filter by.
        reason: What is wrong, in words a user can act on.
        value: The offending value as read.
    """

    line: int
    column: str
    code: str
    reason: str
    value: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.reason} (got {self.value!r})"


@attrs.define
class ImportReport:
    """The outcome of an import: what was created or matched, and each row left out.

    Attributes:
        rows_read: Data rows read (the header not counted).
        rows_imported: Rows that became order or return lines.
        orders: Orders created.
        returns: Returns and cancellations created.
        accounts_created: Accounts the import created.
        accounts_matched: Accounts that already existed and were used.
        products_created: Products the import created.
        products_matched: Products that already existed and were used.
        rejections: Every row left out, in file order.
    """

    rows_read: int = 0
    rows_imported: int = 0
    orders: int = 0
    returns: int = 0
    accounts_created: int = 0
    accounts_matched: int = 0
    products_created: int = 0
    products_matched: int = 0
    rejections: list[Rejection] = attrs.Factory(list)

    def reject(self, line: int, column: str, code: str, reason: str, value: str) -> None:
        """Record a row left out."""
        self.rejections.append(Rejection(line, column, code, reason, value))

    @property
    def rows_rejected(self) -> int:
        """Number of rows left out."""
        return len(self.rejections)

    def by_code(self) -> Counter[str]:
        """Rows left out per `Rejection.code`."""
        return Counter(r.code for r in self.rejections)

    def summary(self) -> str:
        """A few readable lines: the counts, then the rows left out per reason."""
        lines = [
            f"{self.rows_read} rows read, {self.rows_imported} imported, "
            f"{self.rows_rejected} left out",
            f"{self.orders} orders and {self.returns} returns created",
            f"accounts: {self.accounts_created} created, {self.accounts_matched} matched; "
            f"products: {self.products_created} created, {self.products_matched} matched",
        ]
        lines += [f"  {code}: {count}" for code, count in self.by_code().most_common()]
        return "\n".join(lines)
