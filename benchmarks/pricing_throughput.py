"""Pricing throughput: compiled `price_many` against a naive engine and the floor.

A catalogue of 20,000 products in a 3-level category tree, 10,000 accounts, 100,000 rules
(contract prices, group lists with category discounts, tiered promotions, a base list with
volume tiers). Prices 100,000 order lines (orders of 10 lines) and prints lines per second for:

- `price_many` on the compiled rule index: the first pass on a freshly built pricer (cold: the
  index fills its per-product caches) and the best of three further passes;
- a naive engine that scans and sorts every rule of every list in the chain for each line
  (timed on a sample of lines; its unit prices, totals, lists and rules are checked against the
  compiled engine's, line for line);
- the floor: one dict lookup and one `Decimal` multiplication per line.

Run: `.venv/bin/python benchmarks/pricing_throughput.py`
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from wholesale_crm.accounts.model import Account
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.pricing.engine import Candidates, CompiledList, CompiledRule
from wholesale_crm.pricing.model import (
    FixedPrice,
    Formula,
    ListKind,
    PercentOff,
    PriceList,
    PriceRule,
    Target,
)
from wholesale_crm.pricing.pricer import Pricer, PriceResult

ON = date(2026, 3, 2)
LINES = 100_000
NAIVE_LINES = 2_000
QUANTITIES = (1, 2, 5, 12, 24, 60)


def catalogue(rng: random.Random) -> tuple[list[Category], list[Product]]:
    """10 top categories, 100 middle, 1,000 leaves; 20,000 products in the leaves."""
    cats = [Category(f"C{t}", f"top {t}") for t in range(10)]
    cats += [Category(f"C{t}.{m}", f"mid {t}.{m}", f"C{t}") for t in range(10) for m in range(10)]
    leaves = [f"C{t}.{m}.{n}" for t in range(10) for m in range(10) for n in range(10)]
    cats += [Category(leaf, f"leaf {leaf}", leaf.rsplit(".", 1)[0]) for leaf in leaves]
    products = []
    for i in range(20_000):
        price = Decimal(rng.randint(100, 10_000)) / 100
        products.append(
            Product(
                f"P{i:05d}",
                f"product {i}",
                category_id=leaves[i % len(leaves)],
                list_price=Money(price, "EUR"),
                cost=Money((price * Decimal("0.6")).quantize(Decimal("0.01")), "EUR"),
            )
        )
    return cats, products


def price_lists(rng: random.Random, products: list[Product]) -> list[PriceList]:
    """About 100,000 rules over base, group, promotion and contract lists."""
    ids = [p.id for p in products]
    base_rules = [PriceRule("ALL", Target.everything(), PercentOff(0))]
    base_rules += [
        PriceRule(f"T{i}", Target.product(pid), PercentOff(5), min_quantity=24)
        for i, pid in enumerate(ids[:10_000])
    ]
    lists = [PriceList("BASE", "Base", ListKind.BASE, "EUR", base_rules)]
    for g in range(100):
        rules = [
            PriceRule(
                f"G{g}-{n}",
                Target.category(f"C{n % 10}.{(n // 10) % 10}" + (f".{n % 7}" if n % 2 else "")),
                Formula(discount=rng.randint(2, 20), round_to="0.05", min_margin=10),
            )
            for n in range(100)
        ]
        rules += [
            PriceRule(f"GP{g}-{n}", Target.product(pid), PercentOff(rng.randint(5, 25)))
            for n, pid in enumerate(rng.sample(ids, 100))
        ]
        lists.append(
            PriceList(f"GRP{g}", f"group {g}", ListKind.GROUP, "EUR", rules, customer_group=f"g{g}")
        )
    for k in range(5):
        rules = [
            PriceRule(f"PR{k}-{n}-{tier}", Target.product(pid), PercentOff(pct), min_quantity=tier)
            for n, pid in enumerate(rng.sample(ids, 2_000))
            for tier, pct in ((10, 8), (50, 15))
        ]
        valid = DateRange(date(2026, 1 + k, 1), date(2026, 3 + k, 1))
        lists.append(
            PriceList(f"PROMO{k}", f"promo {k}", ListKind.PROMOTION, "EUR", rules, valid=valid)
        )
    for a in range(2_000):
        rules = [
            PriceRule(
                f"K{a}-{n}",
                Target.product(pid),
                FixedPrice(Money(Decimal(rng.randint(50, 5_000)) / 100, "EUR")),
            )
            for n, pid in enumerate(rng.sample(ids, 25))
        ]
        lists.append(
            PriceList(
                f"CON{a}", f"contract {a}", ListKind.CONTRACT, "EUR", rules, account_id=f"A{a:05d}"
            )
        )
    return lists


def accounts() -> list[Account]:
    """10,000 accounts in 100 groups; every tenth has a parent."""
    return [
        Account(
            f"A{i:05d}",
            f"account {i}",
            customer_group=f"g{i % 100}",
            parent_id=f"A{i - 1:05d}" if i % 10 == 9 else None,
        )
        for i in range(10_000)
    ]


class NaiveList(CompiledList):
    """The same engine without the index: every line scans and sorts all of a list's rules."""

    def __init__(self, plist: PriceList, lineage: Callable[[str | None], tuple[str, ...]]) -> None:
        super().__init__(plist, lineage)
        self.own = None  # no ready-made candidates: every lookup goes through the scan below

    def lookup(self, product: Product) -> Candidates:
        lineage = self._lineage(product.category_id)

        def rank(compiled: CompiledRule) -> tuple[int, int] | None:
            target = compiled.rule.target
            if target.id is None:
                return (0, 0)
            if target.scope == "product":
                return (2, 0) if target.id == product.id else None
            if target.id in lineage:
                return (1, len(lineage) - lineage.index(target.id))
            return None

        ranked = [(r, k) for r in self.rules if (k := rank(r)) is not None]
        ranked.sort(
            key=lambda rk: (-rk[1][0], -rk[1][1], -rk[0].low, -rk[0].rule.priority, rk[0].rule.id)
        )
        tiers = [r.low for r, _ in ranked if r.low > 0]
        return tuple(r for r, _ in ranked), min(tiers, default=None)


def figures(result: PriceResult) -> tuple[Decimal, Decimal, str, str]:
    """What two engines must agree on for a line."""
    return result.unit_amount, result.total_amount, result.price_list_id, result.rule_id


def best_rate(lines: int, run: Callable[[], object], repeat: int = 3) -> float:
    """Lines per second of the fastest of `repeat` runs.

    Each run starts after a full garbage collection, so that a run does not pay for the
    garbage of the one before it (what `timeit` gets by switching the collector off, but
    with the collector left on: a run still pays for its own allocations).
    """
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return lines / min(times)


def main() -> None:
    """Build the data, time the three engines, print the figures."""
    rng = random.Random(2026)
    started = time.perf_counter()
    cats, products = catalogue(rng)
    lists = price_lists(rng, products)
    people = accounts()
    pricer = Pricer(lists, categories=cats, accounts=people, product_ids={p.id for p in products})
    rules = sum(len(p.rules) for p in lists)
    print(
        f"setup: {len(products):,} products, {len(cats):,} categories, {len(people):,} accounts, "
        f"{rules:,} rules in {len(lists):,} lists; validated and compiled in "
        f"{time.perf_counter() - started:.1f}s"
    )
    orders = [
        (rng.choice(people), [(rng.choice(products), rng.choice(QUANTITIES)) for _ in range(10)])
        for _ in range(LINES // 10)
    ]

    def compiled_run() -> list[PriceResult]:
        return [r for account, items in orders for r in pricer.price_many(account, items, on=ON)]

    gc.collect()
    started = time.perf_counter()
    results = compiled_run()  # cold: the compiled index fills its per-product caches
    cold = LINES / (time.perf_counter() - started)
    warm = best_rate(LINES, compiled_run)

    naive = Pricer(lists, categories=cats, accounts=people)
    naive.engine.lists = {
        pid: NaiveList(c.plist, naive.engine.lineage) for pid, c in naive.engine.lists.items()
    }
    sample = orders[: NAIVE_LINES // 10]
    started = time.perf_counter()
    slow = [r for account, items in sample for r in naive.price_many(account, items, on=ON)]
    naive_rate = NAIVE_LINES / (time.perf_counter() - started)
    # Same figures, line for line: the naive engine differs only in how it finds the rules.
    assert [figures(r) for r in slow] == [figures(r) for r in results[:NAIVE_LINES]]

    table = {p.id: p.list_price.amount for p in products if p.list_price}
    lines = [(p.id, Decimal(q)) for _, items in orders for p, q in items]
    floor = best_rate(LINES, lambda: [table[pid] * qty for pid, qty in lines])

    print(f"compiled price_many: {warm:>11,.0f} lines/s (best of 3; cold first pass {cold:,.0f})")
    print(f"naive scan:          {naive_rate:>11,.0f} lines/s ({NAIVE_LINES:,}-line sample)")
    print(f"floor:               {floor:>11,.0f} lines/s (dict lookup + Decimal multiply)")
    print(
        f"compiled is {warm / naive_rate:,.0f}x the naive engine "
        f"(cold: {cold / naive_rate:,.0f}x), 1/{floor / warm:.0f} of the floor "
        f"(cold: 1/{floor / cold:.0f})"
    )


if __name__ == "__main__":
    main()
