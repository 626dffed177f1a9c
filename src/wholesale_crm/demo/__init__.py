"""The guided tour printed by `python -m wholesale_crm demo`.

Each capability contributes a section: a function that takes the sample data and a writer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from wholesale_crm.demo import (
    accounts,
    activities,
    catalog,
    kernel,
    orders,
    pipeline,
    pricing,
    reorder,
    territories,
)
from wholesale_crm.samples import SampleWholesaler, generate

__all__ = ["SECTIONS", "run"]

Section = Callable[[SampleWholesaler, TextIO], None]

SECTIONS: list[tuple[str, Section]] = [
    ("Money, quantities and dates", kernel.show),
    ("Accounts: hierarchy, credit, duplicates", accounts.show),
    ("Catalogue and payment terms", catalog.show),
    ("Customer-specific pricing", pricing.show),
    ("Order history, statements and buying behaviour", orders.show),
    ("Territories and realignment", territories.show),
    ("Pipeline and forecasts", pipeline.show),
    ("Activities and follow-ups", activities.show),
    ("Reorder calls", reorder.show),
]


def run(out: TextIO, *, seed: int = 7) -> None:
    """Print every section of the tour on the sample wholesaler for `seed`."""
    data = generate(seed)
    out.write(f"wholesale-crm demo: a fictional wholesaler (seed {seed}, as of {data.as_of})\n")
    for title, show in SECTIONS:
        out.write(f"\n== {title} ==\n")
        show(data, out)
