"""Quick start: money, a unit of work, and an event, on the in-memory adapter.

Run with `python examples/quickstart.py`; the tests run it too.
"""

from __future__ import annotations

from datetime import date

from wholesale_crm import MemoryUnitOfWork, Money
from wholesale_crm.accounts.model import Account, AccountStatusChanged
from wholesale_crm.repositories import Collection

ACCOUNTS = Collection("accounts", Account)


def main() -> None:
    """Open an account, activate it, and print what happened."""
    uow = MemoryUnitOfWork()
    uow.bus.subscribe(AccountStatusChanged, lambda e: print(f"event: {e.account_id} -> {e.new}"))
    with uow:
        account = Account("ACC-1", "Harbour Gifts Ltd", currency="GBP", locale="en_GB")
        uow.repository(ACCOUNTS).add(account)
        uow.commit()
    with uow:
        account = uow.repository(ACCOUNTS).get("ACC-1")
        account.change_status("active", on=date(2026, 6, 1))
        uow.repository(ACCOUNTS).save(account)
        uow.commit()
    deposit = Money("1000.00", account.currency).allocate([1, 1, 1])
    print(
        f"{account.name} is {account.status}; deposit in thirds:",
        [m.format("en_GB") for m in deposit],
    )


if __name__ == "__main__":
    main()
