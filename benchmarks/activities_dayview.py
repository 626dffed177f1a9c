"""A rep's day view over 100,000 accounts on call plans with 2,000,000 interactions.

Run: `python benchmarks/activities_dayview.py [--accounts N] [--interactions N] [--reps N]`.

The store is built through the public services, in batches: `log_interactions` (one
transaction per batch of accounts, each account's summary written once per batch) and
`apply_call_plans`; each phase prints its time and the process's peak memory. Then it times
`rep_day_view` (indexes: open follow-ups by assignee and due date, account summaries by owner
and out-of-plan date) for a sample of reps, beside two full scans in the same run:

- the same day view from every follow-up and every summary (no index), and
- the out-of-plan part recomputed from every interaction (no maintained summary).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from wholesale_crm.accounts.model import Account
from wholesale_crm.activities.callplans import CallPlan, summarise
from wholesale_crm.activities.model import Interaction, InteractionDetails, Rep
from wholesale_crm.activities.tasks import FollowUp
from wholesale_crm.activities.worklist import day_view
from wholesale_crm.adapters.memory import MemoryStore, MemoryUnitOfWork
from wholesale_crm.repositories.activities import ACCOUNT_ACTIVITY, FOLLOW_UPS, INTERACTIONS
from wholesale_crm.services import activities as svc

AS_OF = datetime(2026, 6, 30, 15, 0, tzinfo=UTC)
ZONES = ("Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles")
PLANS = (
    CallPlan("PLAN-A", "Key accounts", "A", 14, business_days_only=True),
    CallPlan("PLAN-B", "Mid-sized", "B", 30),
    CallPlan("PLAN-C", "Small", "C", 90),
)
SUMMARIES = ("Called about the autumn range", "Visited the store", "Sent the price list")


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(name: str, started: float, count: int | None = None) -> None:
    took = time.perf_counter() - started
    rate = f", {took / count * 1e6:.1f} us each" if count else ""
    print(f"{name}: {took:.1f} s{rate} (peak memory {peak_mb():,.0f} MB)", flush=True)


def make_accounts(n: int, rng: random.Random) -> list[Account]:
    tiers = rng.choices("ABC", weights=(1, 3, 6), k=n)
    return [
        Account(f"ACC-{i:06d}", f"Account {i}", tier=tiers[i], timezone=ZONES[i % 4])  # type: ignore[arg-type]
        for i in range(n)
    ]


def interactions_of(
    accounts: list[Account], reps: list[Rep], per_account: int, rng: random.Random
) -> Iterator[Interaction]:
    """`per_account` interactions for each account over the past year, account by account."""
    channels = ("call", "email", "visit", "meeting", "note")
    for i, account in enumerate(accounts):
        rep = reps[i % len(reps)]
        # Key accounts are contacted more recently on average; some accounts fall behind.
        span = {"A": 30, "B": 90}.get(str(account.tier), 365)
        for k in range(per_account):
            at = AS_OF - timedelta(minutes=rng.randrange(span * 24 * 60))
            yield Interaction.log(
                f"int-{i:06d}-{k:03d}",
                account_id=account.id,
                rep_id=rep.id,
                logged_at=at,
                details=InteractionDetails(
                    channels[k % 5], at, SUMMARIES[k % 3], duration_minutes=k % 40
                ),
            )


def batched(items: Iterator[Interaction], size: int) -> Iterator[list[Interaction]]:
    batch: list[Interaction] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=2_000_000)
    parser.add_argument("--reps", type=int, default=250)
    parser.add_argument("--samples", type=int, default=50, help="reps timed")
    args = parser.parse_args()
    rng = random.Random(11)
    store = MemoryStore()
    uow = MemoryUnitOfWork(store)
    reps = [Rep(f"rep-{r:03d}", f"Rep {r}", ZONES[r % 4]) for r in range(args.reps)]

    started = time.perf_counter()
    accounts = make_accounts(args.accounts, rng)
    phase(f"{args.accounts:,} accounts built", started, args.accounts)

    started = time.perf_counter()
    per_account = max(1, args.interactions // args.accounts)
    total = 0
    for batch in batched(interactions_of(accounts, reps, per_account, rng), 20_000):
        total += svc.log_interactions(uow, batch)
    phase(f"{total:,} interactions logged through log_interactions", started, total)

    started = time.perf_counter()
    for plan in PLANS:
        svc.add_call_plan(uow, plan)
    owners = {a.id: reps[i % len(reps)] for i, a in enumerate(accounts)}
    created = 0
    for chunk in range(0, len(accounts), 10_000):
        created += len(
            svc.apply_call_plans(uow, accounts[chunk : chunk + 10_000], owners, at=AS_OF)
        )
    phase(f"{created:,} call-plan follow-ups created by apply_call_plans", started, created)

    started = time.perf_counter()
    ad_hoc = 0
    with uow:
        repo = uow.repository(FOLLOW_UPS)
        for i, account in enumerate(accounts):
            rep = owners[account.id]
            due = AS_OF.date() + timedelta(days=rng.randint(-20, 40))
            task = FollowUp.create(
                f"task-adhoc-{i:06d}",
                title="Chase the open quote",
                assignee_id=rep.id,
                timezone=rep.timezone,
                created_at=AS_OF - timedelta(days=30),
                due_on=due,
                account_id=account.id,
            )
            if i % 3 == 0:
                task.complete(by=rep.id, at=AS_OF - timedelta(days=1))
            repo.add(task)
            ad_hoc += 1
        uow.commit()
    phase(f"{ad_hoc:,} ad-hoc follow-ups added (a third done)", started, ad_hoc)

    sample = rng.sample(reps, min(args.samples, len(reps)))
    timings = []
    sizes = []
    for rep in sample:
        started = time.perf_counter()
        view = svc.rep_day_view(uow, rep, at=AS_OF)
        timings.append((time.perf_counter() - started) * 1000)
        sizes.append(
            (len(view.overdue), len(view.due_today), len(view.upcoming), len(view.out_of_plan))
        )
    means = tuple(round(statistics.mean(column), 1) for column in zip(*sizes, strict=True))
    print(
        f"rep_day_view (indexed), {len(sample)} reps: median {statistics.median(timings):.1f} ms, "
        f"max {max(timings):.1f} ms; overdue/today/upcoming/out-of-plan per rep: mean {means}"
    )

    rep = sample[0]
    indexed = svc.rep_day_view(uow, rep, at=AS_OF)
    started = time.perf_counter()
    with uow:
        scanned = day_view(
            rep,
            uow.repository(FOLLOW_UPS),
            uow.repository(ACCOUNT_ACTIVITY),
            AS_OF,
        )
    phase("full scan of follow-ups and summaries for the same day view", started)
    assert [t.id for t in scanned.overdue] == [t.id for t in indexed.overdue]
    assert [t.id for t in scanned.upcoming] == [t.id for t in indexed.upcoming]
    assert scanned.out_of_plan == indexed.out_of_plan

    started = time.perf_counter()
    with uow:
        rebuilt = summarise(
            accounts,
            PLANS,
            uow.repository(INTERACTIONS),
            {a: r.id for a, r in owners.items()},
        )
    gaps = sorted(
        g.account_id
        for s in rebuilt.values()
        if s.owner_id == rep.id and (g := s.gap(AS_OF)) is not None
    )
    phase(f"full scan of {total:,} interactions for the out-of-plan accounts", started, total)
    assert gaps == sorted(g.account_id for g in indexed.out_of_plan)
    print(f"as of {AS_OF:%Y-%m-%d %H:%M} UTC; the indexed results agree with the full scans")


if __name__ == "__main__":
    main()
