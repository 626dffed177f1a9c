"""The territory collections on the in-memory adapter, against the conformance suite."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from wholesale_crm.periods import DateRange
from wholesale_crm.repositories import Collection
from wholesale_crm.repositories.territories import ACCOUNT_COVERAGE, TERRITORIES, TERRITORY_STAFF
from wholesale_crm.territories.model import (
    DISTRICT,
    AccountCoverage,
    Territory,
    TerritoryStaff,
)
from wholesale_crm.territories.rules import Criterion, Rule
from wholesale_crm.testing.conformance import RepositoryContract


def make_territory(n: int) -> Territory:
    return Territory(
        f"T{n:03d}",
        f"Territory {n}",
        DISTRICT,
        f"P{n % 2}",
        [Rule(f"R{n}", [Criterion("postal_code", "prefix", [f"M{n}"])])],
        manual_accounts=[f"A{n % 3}"],
    )


def change_territory(territory: Territory) -> None:
    territory.move_to("P9")
    territory.pin("A7")


class TestTerritories(RepositoryContract):
    @pytest.fixture
    def collection(self) -> Collection[Any]:
        return TERRITORIES

    @pytest.fixture
    def make(self) -> Callable[[int], Territory]:
        return make_territory

    @pytest.fixture
    def change(self) -> Callable[[Territory], None]:
        return change_territory


def make_staff(n: int) -> TerritoryStaff:
    staff = TerritoryStaff(f"T{n:03d}")
    staff.assign(f"rep{n % 2}", "owner", DateRange(date(2025, 1, 1), date(2025, 7, 1)))
    return staff


def change_staff(staff: TerritoryStaff) -> None:
    staff.assign("rep9", "owner", DateRange(date(2025, 7, 1)))


class TestTerritoryStaff(RepositoryContract):
    @pytest.fixture
    def collection(self) -> Collection[Any]:
        return TERRITORY_STAFF

    @pytest.fixture
    def make(self) -> Callable[[int], TerritoryStaff]:
        return make_staff

    @pytest.fixture
    def change(self) -> Callable[[TerritoryStaff], None]:
        return change_staff


def make_coverage(n: int) -> AccountCoverage:
    coverage = AccountCoverage(f"A{n:03d}")
    coverage.reassign(f"T{n % 3}", effective=date(2025, 1, 1))
    coverage.add_member(f"user{n % 2}", "overlay", DateRange(date(2025, 1, 1)))
    return coverage


def change_coverage(coverage: AccountCoverage) -> None:
    coverage.reassign("T9", effective=date(2025, 7, 1))
    coverage.add_member("user9", "inside_sales", DateRange(date(2025, 7, 1)))


class TestAccountCoverage(RepositoryContract):
    @pytest.fixture
    def collection(self) -> Collection[Any]:
        return ACCOUNT_COVERAGE

    @pytest.fixture
    def make(self) -> Callable[[int], AccountCoverage]:
        return make_coverage

    @pytest.fixture
    def change(self) -> Callable[[AccountCoverage], None]:
        return change_coverage
