"""Sample territories: a UK tree of regions and districts, a key-account team, and Europe.

::

    UK (country: GB, inherited)              EU (country: IE DE FR NL BE ES, inherited)
    +-- UK-N North (GB-MAN, GB-LDS)          +-- EU-DACH (DE)
    |    +-- UK-N-MAN Manchester (M1-M99)    +-- EU-WEST (IE FR NL BE ES)
    |    +-- UK-N-LDS Leeds (LS)
    +-- UK-S South & Midlands (GB-LND GB-BST GB-CRF GB-BIR GB-LCE)
    |    +-- UK-S-LON London (GB-LND)
    |    +-- UK-S-WST West & Wales (GB-BST GB-CRF)
    |    +-- UK-S-MID Midlands (GB-BIR GB-LCE)
    +-- UK-SCO Scotland (GB-EDH GB-GLG)      added by the realignment of 2025-10-01
    +-- UK-KA National accounts
         +-- UK-KA-GRP Groups: (tier A AND customer group chain-uk or buying-group)
                               OR tag key-account

History: the rules first ran on 2025-01-01 without Scotland (Scottish accounts sat in UK);
Scotland was added on 2025-10-01. Leeds changed owner on 2025-09-01 (Ben -> Chloe). The
proposed redraw (`proposed`, for `proposed_on`) merges Leeds into Manchester and adds a
public-sector team, which the demo plans without applying.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import attrs

from wholesale_crm.accounts.model import Account, Tier
from wholesale_crm.ids import AccountId, RuleId, TerritoryId, UserId
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.territories.coverage import Coverage
from wholesale_crm.territories.model import (
    DISTRICT,
    KEY_ACCOUNTS,
    REGION,
    AccountCoverage,
    Territory,
    TerritoryStaff,
    TerritoryType,
)
from wholesale_crm.territories.realignment import apply, plan
from wholesale_crm.territories.rules import Criterion, Rule

__all__ = [
    "COUNTRY",
    "FIRST_RUN",
    "NATIONAL",
    "PROPOSED_ON",
    "SCOTLAND_ADDED",
    "TerritorySample",
    "build",
]

COUNTRY = TerritoryType("country", 0)
"""The top of each tree."""
NATIONAL = TerritoryType("national", 5)
"""A container for national teams."""

FIRST_RUN = date(2025, 1, 1)
"""When the rules first assigned the accounts."""
SCOTLAND_ADDED = date(2025, 10, 1)
"""When the Scotland region was added and the accounts realigned."""
PROPOSED_ON = date(2026, 7, 1)
"""When the proposed redraw would take effect."""


@attrs.define
class TerritorySample:
    """The sample's territories, people and coverage history, and a proposed redraw.

    Attributes:
        territories: The current tree and rules.
        staff: Who held which role on each territory, over time.
        coverage: Each account's territory history and team.
        revenue: Trailing twelve-month revenue per account, in GBP.
        proposed: A redraw of `territories` not applied yet (see the module docstring).
        proposed_on: The date the redraw would take effect.
    """

    territories: list[Territory]
    staff: list[TerritoryStaff]
    coverage: list[AccountCoverage]
    revenue: dict[AccountId, Money]
    proposed: list[Territory]
    proposed_on: date = PROPOSED_ON


def _rule(id: str, *criteria: Criterion, logic: str | None = None, inherited: bool = False) -> Rule:
    return Rule(RuleId(id), criteria, logic, inherited)


def _region(*codes: str) -> Criterion:
    return Criterion("region", "in", codes)


def _territory(
    id: str, name: str, type: TerritoryType, parent: str | None, *rules: Rule
) -> Territory:
    return Territory(
        TerritoryId(id), name, type, TerritoryId(parent) if parent else None, list(rules)
    )


def _tree(with_scotland: bool) -> list[Territory]:
    groups = _rule(
        "R-UK-KA-GRP",
        Criterion("tier", "in", ["A"]),
        Criterion("customer_group", "in", ["chain-uk", "buying-group"]),
        Criterion("tags", "in", ["key-account"]),
        logic="(1 AND 2) OR 3",
    )
    eu = ["IE", "DE", "FR", "NL", "BE", "ES"]
    tree = [
        _territory(
            "UK",
            "United Kingdom",
            COUNTRY,
            None,
            _rule("R-UK", Criterion("country", "in", ["GB"]), inherited=True),
        ),
        _territory("UK-N", "North", REGION, "UK", _rule("R-UK-N", _region("GB-MAN", "GB-LDS"))),
        _territory(
            "UK-N-MAN",
            "Manchester",
            DISTRICT,
            "UK-N",
            _rule("R-UK-N-MAN", Criterion("postal_code", "range", ["M1-M99"])),
        ),
        _territory(
            "UK-N-LDS",
            "Leeds",
            DISTRICT,
            "UK-N",
            _rule("R-UK-N-LDS", Criterion("postal_code", "prefix", ["LS"])),
        ),
        _territory(
            "UK-S",
            "South & Midlands",
            REGION,
            "UK",
            _rule("R-UK-S", _region("GB-LND", "GB-BST", "GB-CRF", "GB-BIR", "GB-LCE")),
        ),
        _territory("UK-S-LON", "London", DISTRICT, "UK-S", _rule("R-UK-S-LON", _region("GB-LND"))),
        _territory(
            "UK-S-WST",
            "West & Wales",
            DISTRICT,
            "UK-S",
            _rule("R-UK-S-WST", _region("GB-BST", "GB-CRF")),
        ),
        _territory(
            "UK-S-MID",
            "Midlands",
            DISTRICT,
            "UK-S",
            _rule("R-UK-S-MID", _region("GB-BIR", "GB-LCE")),
        ),
        _territory("UK-KA", "National accounts", NATIONAL, "UK"),
        _territory("UK-KA-GRP", "Groups", KEY_ACCOUNTS, "UK-KA", groups),
        _territory(
            "EU",
            "Europe",
            COUNTRY,
            None,
            _rule("R-EU", Criterion("country", "in", eu), inherited=True),
        ),
        _territory(
            "EU-DACH", "DACH", REGION, "EU", _rule("R-EU-DACH", Criterion("country", "in", ["DE"]))
        ),
        _territory(
            "EU-WEST",
            "Western Europe",
            REGION,
            "EU",
            _rule("R-EU-WEST", Criterion("country", "in", ["IE", "FR", "NL", "BE", "ES"])),
        ),
    ]
    if with_scotland:
        tree.append(
            _territory(
                "UK-SCO", "Scotland", REGION, "UK", _rule("R-UK-SCO", _region("GB-EDH", "GB-GLG"))
            )
        )
    return tree


def _proposed(current: list[Territory]) -> list[Territory]:
    """Leeds merges into Manchester (renamed North districts); a public-sector team appears."""
    proposed = [attrs.evolve(t) for t in current if t.id != "UK-N-LDS"]
    manchester = next(t for t in proposed if t.id == "UK-N-MAN")
    manchester.name = "Manchester & Leeds"
    manchester.set_rules(
        [
            _rule("R-UK-N-MAN", Criterion("postal_code", "range", ["M1-M99"])),
            _rule("R-UK-N-LDS", Criterion("postal_code", "prefix", ["LS"])),
        ]
    )
    public = _rule("R-UK-KA-PUB", Criterion("customer_group", "in", ["public-sector"]))
    proposed.append(_territory("UK-KA-PUB", "Public sector", KEY_ACCOUNTS, "UK-KA", public))
    return proposed


# (territory, rep, role, from, to)
_STAFF: tuple[tuple[str, str, str, date, date | None], ...] = (
    ("UK", "mgr-uk", "manager", FIRST_RUN, None),
    ("UK", "rep-jonas", "owner", FIRST_RUN, None),
    ("UK", "rep-inside", "inside_sales", FIRST_RUN, None),
    ("UK-N", "mgr-north", "manager", FIRST_RUN, None),
    ("UK-N", "rep-dariusz", "owner", FIRST_RUN, None),
    ("UK-N-MAN", "rep-amira", "owner", FIRST_RUN, None),
    ("UK-N-LDS", "rep-ben", "owner", FIRST_RUN, date(2025, 9, 1)),
    ("UK-N-LDS", "rep-chloe", "owner", date(2025, 9, 1), None),
    ("UK-S", "rep-elena", "owner", FIRST_RUN, None),
    ("UK-S-LON", "rep-fergus", "owner", FIRST_RUN, None),
    ("UK-S-WST", "rep-greta", "owner", FIRST_RUN, None),
    ("UK-S-MID", "rep-hamza", "owner", FIRST_RUN, None),
    ("UK-SCO", "rep-ines", "owner", SCOTLAND_ADDED, None),
    ("UK-KA-GRP", "rep-kim", "owner", FIRST_RUN, None),
    ("UK-KA-GRP", "rep-ola", "overlay", FIRST_RUN, None),
    ("EU-DACH", "rep-dieter", "owner", FIRST_RUN, None),
    ("EU-WEST", "rep-margot", "owner", FIRST_RUN, None),
)

_REVENUE_BANDS = {Tier.A: (150_000, 400_000), Tier.B: (40_000, 150_000), Tier.C: (5_000, 40_000)}


def _revenue(rng: random.Random, accounts: Sequence[Account]) -> dict[AccountId, Money]:
    revenue: dict[AccountId, Money] = {}
    for account in accounts:
        low, high = _REVENUE_BANDS.get(account.tier or Tier.C, _REVENUE_BANDS[Tier.C])
        revenue[account.id] = Money(Decimal(rng.randrange(low, high, 100)), "GBP")
    return revenue


def build(rng: random.Random, accounts: Sequence[Account]) -> TerritorySample:
    """Build the sample tree, staff and coverage history for `accounts`.

    The rules run on `FIRST_RUN` without Scotland, then again on `SCOTLAND_ADDED` with it;
    each run is a realignment plan applied on its date, so the history is what the library
    itself would have recorded. One account team is added to the first account with a tier.
    """
    staff: dict[str, TerritoryStaff] = {}
    for territory, rep, role, start, end in _STAFF:
        team = staff.setdefault(territory, TerritoryStaff(TerritoryId(territory)))
        team.assign(UserId(rep), role, DateRange(start, end))
    revenue = _revenue(rng, accounts)
    coverage: dict[AccountId, AccountCoverage] = {}
    for on, tree in ((FIRST_RUN, _tree(False)), (SCOTLAND_ADDED, _tree(True))):
        realignment = plan(
            tree, accounts, Coverage(staff.values(), coverage.values()), on=on, revenue=revenue
        )
        for record in apply(realignment, coverage, effective=on):
            coverage[record.id] = record
    for record in coverage.values():
        record.pull_events()  # sample data: nothing to publish
    tiered = [a for a in accounts if a.tier is not None and a.id in coverage]
    if tiered:
        coverage[tiered[0].id].add_member(UserId("rep-ola"), "overlay", DateRange(FIRST_RUN))
    current = _tree(True)
    return TerritorySample(
        territories=current,
        staff=list(staff.values()),
        coverage=sorted(coverage.values(), key=lambda c: c.id),
        revenue=revenue,
        proposed=_proposed(current),
    )
