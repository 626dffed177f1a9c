"""The territory collections and the indexes their queries use.

=====================  ===========  ========================================================
collection             index        keys
=====================  ===========  ========================================================
`territories`          `parent`     the parent's id (top territories are not filed)
`territories`          `type`       the territory type code (`"region"`, `"district"`, ...)
`territories`          `manual`     each manually assigned account id
`territory_staff`      `rep`        each person who ever held a role on the territory
`account_coverage`     `territory`  each territory the account (or a site) was ever in
`account_coverage`     `member`     each person who was ever on the account team
=====================  ===========  ========================================================
"""

from __future__ import annotations

from wholesale_crm.repositories import Collection, Index
from wholesale_crm.territories.model import AccountCoverage, Territory, TerritoryStaff

__all__ = ["ACCOUNT_COVERAGE", "TERRITORIES", "TERRITORY_STAFF"]

TERRITORIES: Collection[Territory] = Collection(
    "territories",
    Territory,
    (
        Index("parent", lambda t: [t.parent_id] if t.parent_id else []),
        Index("type", lambda t: [t.type.code]),
        Index("manual", lambda t: t.manual_accounts),
    ),
)
"""Territories (the tree and its rules), by id."""

TERRITORY_STAFF: Collection[TerritoryStaff] = Collection(
    "territory_staff",
    TerritoryStaff,
    (Index("rep", lambda s: sorted({r.rep_id for r in s.reps})),),
)
"""The people on each territory over time, by territory id."""

ACCOUNT_COVERAGE: Collection[AccountCoverage] = Collection(
    "account_coverage",
    AccountCoverage,
    (
        Index("territory", lambda c: sorted({r.territory_id for r in c.territories})),
        Index("member", lambda c: sorted({m.user_id for m in c.team})),
    ),
)
"""Each account's territory history and team, by account id."""
