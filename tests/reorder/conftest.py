"""Shared helpers for the reorder tests: small synthetic order histories."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from wholesale_crm.reorder.series import OrderEvent

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
START = date(2024, 1, 1)


def synthetic_events(
    seed: int = 7, accounts: int = 24, products: int = 8, days: int = 300
) -> list[OrderEvent]:
    """Pairs ordering at their own cadence, some drifting away (lapsing) part way through."""
    rng = random.Random(seed)
    events: list[OrderEvent] = []
    for a in range(accounts):
        lapse_at = rng.randrange(60, days * 2)  # beyond `days` means never lapses
        for p in range(products):
            if rng.random() < 0.45:
                continue
            cadence = rng.choice([7, 14, 21, 30, 45, 60])
            pack = rng.choice([1, 6, 12])
            day = rng.randrange(0, cadence)
            while day < min(days, lapse_at):
                qty = Decimal(pack * rng.randint(1, 4))
                events.append(OrderEvent(f"A{a:02d}", f"P{p}", START + timedelta(days=day), qty))
                day += max(1, round(rng.gauss(cadence, cadence / 4)))
    return events


@pytest.fixture(scope="session")
def make_events() -> Callable[..., list[OrderEvent]]:
    """The synthetic history generator, for tests that need another seed or size."""
    return synthetic_events


@pytest.fixture(scope="session")
def events() -> list[OrderEvent]:
    """About two thousand synthetic order lines over 300 days."""
    return synthetic_events()


@pytest.fixture
def data_dir() -> Path:
    """The shared real-data folder beside the checkout (skips when absent)."""
    if not DATA.is_dir():
        pytest.skip(f"shared data not found at {DATA}")
    return DATA
