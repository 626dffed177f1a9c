"""The pricing collections on the in-memory adapter: the conformance suite and the indexes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.adapters.memory import MemoryUnitOfWork
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.pricing.model import PriceList, PriceRule
from wholesale_crm.pricing.pricer import Pricer
from wholesale_crm.pricing.quotes import Quote, quote_for
from wholesale_crm.repositories import Collection
from wholesale_crm.repositories.pricing import PRICE_LISTS, QUOTES, audience_key
from wholesale_crm.testing.conformance import RepositoryContract

KINDS = ["base", "group", "contract", "promotion", "territory", "account"]


@pytest.fixture
def make_list(
    plist: Callable[..., PriceList], fixed: Callable[..., PriceRule]
) -> Callable[[int], PriceList]:
    """List number `n`: each kind in turn, with its audience; every third chains to PL-000."""

    def make(n: int) -> PriceList:
        kind = KINDS[n % len(KINDS)]
        audience = {
            "group": {"customer_group": f"g{n % 2}"},
            "contract": {"account_id": f"A{n % 2}"},
            "account": {"account_id": f"A{n % 2}"},
            "territory": {"territory_id": "NORTH"},
            "promotion": {"customer_group": "g1"},
        }.get(kind, {})
        chained = {"base_list_id": "PL-000"} if n % 3 == 2 else {}
        return plist(f"PL-{n:03d}", kind, fixed("R1", "COLA", f"{n}.00"), **audience, **chained)

    return make


class TestPriceLists(RepositoryContract):
    @pytest.fixture
    def collection(self) -> Collection[PriceList]:
        return PRICE_LISTS

    @pytest.fixture
    def make(self, make_list: Callable[[int], PriceList]) -> Callable[[int], PriceList]:
        return make_list

    @pytest.fixture
    def change(self, fixed: Callable[..., PriceRule]) -> Callable[[PriceList], None]:
        def add_a_rule(price_list: PriceList) -> None:
            price_list.add_rule(fixed(f"R{len(price_list.rules) + 1}", "GUM", "0.50"))

        return add_a_rule


class TestQuotes(RepositoryContract):
    @pytest.fixture
    def collection(self) -> Collection[Quote]:
        return QUOTES

    @pytest.fixture
    def make(
        self,
        categories: tuple[Category, ...],
        products: dict[str, Product],
        account: Callable[..., Account],
        base_list: Callable[..., PriceList],
    ) -> Callable[[int], Quote]:
        pricer = Pricer([base_list()], categories=categories)

        def make_quote(n: int) -> Quote:
            return quote_for(
                pricer,
                account(f"A{n % 2}"),
                [(products["COLA"], n + 1)],
                on=date(2026, 3, 1 + n),
                quote_id=f"Q-{n:03d}",
            )

        return make_quote

    @pytest.fixture
    def change(self) -> Callable[[Quote], None]:
        return lambda q: q.issue(at=datetime(2026, 3, 9, tzinfo=UTC))


def test_audience_keys(
    plist: Callable[..., PriceList], make_list: Callable[[int], PriceList]
) -> None:
    assert audience_key(plist("C", "contract", account_id="A1")) == ["account:A1"]
    assert audience_key(plist("P", "promotion")) == []
    uow = MemoryUnitOfWork()
    with uow:
        for n in range(6):
            uow.repository(PRICE_LISTS).add(make_list(n))
        uow.commit()
    with uow:
        repo = uow.repository(PRICE_LISTS)
        assert [p.id for p in repo.find("list_kind", "group")] == ["PL-001"]
        assert [p.id for p in repo.find("audience", "group:g1")] == ["PL-001", "PL-003"]
        assert [p.id for p in repo.find("base_list", "PL-000")] == ["PL-002", "PL-005"]
