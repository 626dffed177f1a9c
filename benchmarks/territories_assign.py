"""Benchmark: assign 100,000 accounts against 2,000 territories carrying 5,000 rules.

The tree: 10 countries (an inherited country rule each), 10 regions per country (a 1-digit
postal prefix), 1,780 districts (about 2.7 rules each: 3-digit postal prefixes and postal
ranges, some ANDed with a segment), and per country a national-accounts node with 10
key-account teams (`(tier A AND industry X) OR tag key-X`). Postal codes are 5-digit numbers.

Prints the indexed time for the whole base and the naive time (every rule against every
account) measured on a sample of the same accounts in the same run, extrapolated to the whole
base, with the ratio and the per-account cost. The two strategies are checked to agree on the
sample. Run: `.venv/bin/python benchmarks/territories_assign.py [accounts] [naive_sample]`.

"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from wholesale_crm.accounts.model import Account, Address, Site
from wholesale_crm.ids import AccountId, RuleId, SiteId, TerritoryId
from wholesale_crm.territories.engine import AssignmentEngine
from wholesale_crm.territories.model import DISTRICT, KEY_ACCOUNTS, REGION, Territory, TerritoryType
from wholesale_crm.territories.rules import Criterion, Rule

COUNTRIES = ["DE", "FR", "ES", "IT", "NL", "BE", "AT", "PL", "SE", "DK"]
INDUSTRIES = [f"industry-{i}" for i in range(10)]
SEGMENTS = ["retail", "horeca", "wholesale", "public"]
COUNTRY = TerritoryType("country", 0)
NATIONAL = TerritoryType("national", 5)
DISTRICTS_PER_COUNTRY = 178
T = TypeVar("T")


def build_territories(rng: random.Random) -> list[Territory]:
    """2,000 territories with 5,000 rules, no two tying for any account."""
    territories: list[Territory] = []
    numbers = iter(range(1, 10**6))

    def rule(*criteria: Criterion, logic: str | None = None, inherited: bool = False) -> Rule:
        return Rule(RuleId(f"R{next(numbers):05d}"), criteria, logic, inherited)

    district = 0
    for country in COUNTRIES:
        root = TerritoryId(country)
        by_country = rule(Criterion("country", "in", [country]), inherited=True)
        territories.append(Territory(root, country, COUNTRY, None, [by_country]))
        national = TerritoryId(f"{country}-NAT")
        territories.append(Territory(national, f"{country} national", NATIONAL, root))
        for k, industry in enumerate(INDUSTRIES):
            criteria = (
                Criterion("tier", "in", ["A"]),
                Criterion("industry", "in", [industry]),
                Criterion("tags", "in", [f"key-{k}"]),
            )
            key_rule = rule(*criteria, logic="(1 AND 2) OR 3")
            territories.append(
                Territory(
                    TerritoryId(f"{country}-KA{k}"), f"key {k}", KEY_ACCOUNTS, national, [key_rule]
                )
            )
        free_blocks = {r: rng.sample(range(100), 60) for r in range(10)}
        for r in range(10):
            by_prefix = rule(Criterion("postal_code", "prefix", [str(r)]))
            territories.append(
                Territory(TerritoryId(f"{country}-R{r}"), f"region {r}", REGION, root, [by_prefix])
            )
        for d in range(DISTRICTS_PER_COUNTRY):
            r = d % 10
            rules = []
            # 4,790 district rules over 1,780 districts: 1,230 get three, the others two.
            for _ in range(3 if district < 1230 else 2):
                block = f"{r}{free_blocks[r].pop():02d}"
                kind = rng.random()
                if kind < 0.5:
                    rules.append(rule(Criterion("postal_code", "prefix", [block])))
                elif kind < 0.8:
                    rules.append(rule(Criterion("postal_code", "range", [f"{block}00-{block}99"])))
                else:
                    rules.append(
                        rule(
                            Criterion("postal_code", "prefix", [block]),
                            Criterion("segment", "not_in", ["public"]),
                        )
                    )
            district += 1
            territories.append(
                Territory(
                    TerritoryId(f"{country}-R{r}-D{d:03d}"),
                    f"district {d}",
                    DISTRICT,
                    TerritoryId(f"{country}-R{r}"),
                    rules,
                )
            )
    return territories


def build_accounts(rng: random.Random, n: int) -> list[Account]:
    """`n` accounts, a few outside every country of the tree."""
    accounts = []
    for i in range(n):
        country = rng.choice(COUNTRIES) if rng.random() < 0.99 else "GB"
        k = rng.randrange(10)
        tags = [f"key-{k}"] if rng.random() < 0.01 else []
        site = Site(SiteId(f"S{i}"), "bill_to", Address(country, f"{rng.randrange(100000):05d}"))
        accounts.append(
            Account(
                AccountId(f"A{i:06d}"),
                f"account {i}",
                tier=rng.choice(["A", "B", "C", None]),
                industry=INDUSTRIES[k],
                segment=rng.choice(SEGMENTS),
                tags=tags,
                sites=[site],
            )
        )
    return accounts


def timed(run: Callable[[], T]) -> tuple[T, float, float]:
    """The result of `run()`, its wall-clock and its CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(n_accounts: int = 100_000, naive_sample: int = 1_000) -> None:
    """Build the tree and the accounts, then time both strategies and print the figures."""
    rng = random.Random(42)
    territories = build_territories(rng)
    accounts = build_accounts(rng, n_accounts)
    engine, compile_wall, _ = timed(lambda: AssignmentEngine(territories))
    result, wall, cpu = timed(lambda: engine.assign(accounts))
    sample = accounts[:naive_sample]
    naive_result, naive_wall, naive_cpu = timed(lambda: engine.assign(sample, indexed=False))
    assert naive_result == engine.assign(sample), "indexed and naive assignments differ"
    scale = n_accounts / naive_sample
    print(
        f"{len(territories):,} territories, {engine.rule_count:,} rules "
        f"({engine.unindexed_rule_count} unindexed), {n_accounts:,} accounts"
    )
    print(f"compile the index      {compile_wall * 1000:9.1f} ms")
    print(
        f"indexed, all accounts  {wall:9.3f} s wall {cpu:7.3f} s cpu "
        f"{cpu / n_accounts * 1e6:8.2f} us/account (cpu)"
    )
    print(
        f"naive, {naive_sample:,} accounts  {naive_wall:9.3f} s wall {naive_cpu:7.3f} s cpu "
        f"{naive_cpu / naive_sample * 1e6:8.2f} us/account (cpu)"
    )
    print(
        f"naive, extrapolated    {naive_wall * scale:9.1f} s wall {naive_cpu * scale:7.1f} s cpu "
        f"for {n_accounts:,} accounts"
    )
    print(f"ratio naive / indexed  {naive_cpu * scale / cpu:9.0f}x (cpu per account)")
    print(
        f"assigned {len(result.assignments):,}, unmatched {len(result.unmatched):,}; "
        f"both strategies agree on all {naive_sample:,} sampled accounts"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
