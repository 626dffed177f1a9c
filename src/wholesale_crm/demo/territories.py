"""Demo section: the territory tree, who covered an account when, and a realignment plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, TextIO

from wholesale_crm.accounts.model import Account
from wholesale_crm.samples.territories import TerritorySample
from wholesale_crm.territories.coverage import Coverage
from wholesale_crm.territories.model import CoverageRole
from wholesale_crm.territories.realignment import plan
from wholesale_crm.territories.tree import TerritoryTree

__all__ = ["TerritoriesData", "show"]


class TerritoriesData(Protocol):
    """What this section reads from the sample wholesaler."""

    @property
    def as_of(self) -> date:
        """The sample's "today"."""
        ...

    @property
    def accounts(self) -> Sequence[Account]:
        """The sample accounts."""
        ...

    @property
    def territories(self) -> TerritorySample:
        """The sample territories, staff and coverage history."""
        ...


def show(data: TerritoriesData, out: TextIO) -> None:
    """Print the tree with owners and account counts, a coverage history, and a plan."""
    sample = data.territories
    coverage = Coverage(sample.staff, sample.coverage)
    tree = TerritoryTree(sample.territories)
    today = data.as_of
    out.write(f"Territories on {today} (owner, accounts):\n")
    for top in tree.children(None):
        for id in tree.subtree(top):
            territory = tree.get(id)
            owner = coverage.holder(id, CoverageRole.OWNER, today) or "no owner"
            count = len(coverage.accounts_in(id, today))
            label = "  " * (tree.depth(id) + 1) + id
            out.write(f"{label:<16} {territory.name:<20} {owner:<12} {count:>3}\n")
    # An account whose territory changed shows both histories meeting: territory and owner.
    moved = next(
        (c.id for c in sample.coverage if len({r.territory_id for r in c.territories}) > 1),
        None,
    )
    if moved is not None:
        out.write(f"\nWho covered {moved} when:\n")
        for span in coverage.history(moved):
            out.write(f"  {span}\n")
    realignment = plan(
        sample.proposed,
        data.accounts,
        coverage,
        on=sample.proposed_on,
        revenue=sample.revenue,
    )
    out.write(
        f"\nProposed realignment from {sample.proposed_on}: {len(realignment.moves)} move(s), "
        f"{realignment.unchanged} unchanged, {len(realignment.unmatched)} unmatched\n"
    )
    for move in realignment.moves:
        out.write(f"  {move}\n")
    out.write("Per rep (accounts out/in, trailing revenue out/in):\n")
    for impact in realignment.by_rep():
        lost = impact.revenue_out.format() if impact.revenue_out else "-"
        won = impact.revenue_in.format() if impact.revenue_in else "-"
        who = impact.rep_id or "(no owner)"
        out.write(
            f"  {who:<12} -{impact.accounts_out} +{impact.accounts_in}  "
            f"out {lost:>12}  in {won:>12}\n"
        )
