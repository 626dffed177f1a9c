from __future__ import annotations

import io
import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

import attrs

from wholesale_crm.catalog.model import Product
from wholesale_crm.demo.reorder import CALLS, ReorderData, show
from wholesale_crm.ids import AccountId, OrderId, ProductId
from wholesale_crm.orders.model import Order, OrderLine, OrderStatus, Return, ReturnId
from wholesale_crm.quantities import STANDARD_UNITS

AS_OF = date(2026, 6, 30)
EACH = STANDARD_UNITS["EA"]


@attrs.frozen
class _Sample:
    as_of: date
    orders: Sequence[Order]
    returns: Sequence[Return]
    products: Sequence[Product]
    account_owners: Mapping[str, str]


def _sample() -> _Sample:
    """Twelve accounts buying three products at their own pace over 300 days, a few lapsing."""
    rng = random.Random(11)
    products = [
        Product(ProductId("MUG"), "Stoneware mug", packs=[EACH.pack("BOX6", 6)]),
        Product(ProductId("TEA"), "Tea towel"),
        Product(ProductId("JAR"), "Glass jar", packs=[EACH.pack("CASE12", 12)]),
        Product(ProductId("OLD"), "Discontinued vase", active=False),
    ]
    start = AS_OF - timedelta(days=300)
    orders: list[Order] = []
    for a in range(12):
        stop = rng.randrange(120, 600)  # beyond 300: the account never lapses
        for code in ("MUG", "TEA", "JAR", "OLD"):
            cadence = rng.choice([10, 14, 21, 30])
            day = rng.randrange(cadence)
            while day < min(300, stop):
                line = OrderLine(ProductId(code), Decimal(6 * rng.randint(1, 3)), Decimal("2.5"))
                orders.append(
                    Order(
                        OrderId(f"O{len(orders):04d}"),
                        AccountId(f"ACC{a:02d}"),
                        start + timedelta(days=day),
                        "GBP",
                        [line],
                        status=OrderStatus.INVOICED,
                    )
                )
                day += max(1, round(rng.gauss(cadence, cadence / 4)))
    returned = OrderLine(ProductId("MUG"), Decimal(6), Decimal("2.5"))
    returns = [
        Return(ReturnId("R1"), AccountId("ACC00"), AS_OF - timedelta(days=3), "GBP", [returned])
    ]
    owners = {f"ACC{a:02d}": ("rep-ann" if a < 7 else "rep-bob") for a in range(11)}
    return _Sample(AS_OF, orders, returns, products, owners)


def test_sample_satisfies_the_protocol() -> None:
    data: ReorderData = _sample()
    assert data.as_of == AS_OF


def test_lists_the_busiest_reps_top_calls_with_reasons() -> None:
    out = io.StringIO()
    show(_sample(), out)
    lines = out.getvalue().splitlines()
    assert "rep-ann's top 8 calls" in lines[0]
    calls = lines[1:]
    assert len(calls) == CALLS
    assert [c.split(".")[0].strip() for c in calls] == [str(r) for r in range(1, CALLS + 1)]
    for call in calls:
        account = call.split()[1]
        assert account < "ACC07"  # only rep-ann's accounts
        assert "orders about every " in call and "% chance within 30 days" in call
        assert "Discontinued vase" not in call  # products no longer sold are left out
    mugs = [c for c in calls if "Stoneware mug" in c]
    assert all(int(c.split("suggest ")[1].split(":")[0]) % 6 == 0 for c in mugs)
    probabilities = [int(c.split("last; ")[1].split("%")[0]) for c in calls]
    assert probabilities == sorted(probabilities, reverse=True)


def test_same_output_every_time() -> None:
    first, second = io.StringIO(), io.StringIO()
    show(_sample(), first)
    show(_sample(), second)
    assert first.getvalue() == second.getvalue()


def test_no_owned_pair_says_so() -> None:
    data = attrs.evolve(_sample(), account_owners={})
    out = io.StringIO()
    show(data, out)
    assert (
        out.getvalue() == "no account-product pair with two orders has an owner: no calls to list\n"
    )
