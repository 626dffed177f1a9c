"""Account timelines: merged sources, newest first, pages with a stable cursor."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from wholesale_crm.activities.model import Interaction, InteractionDetails
from wholesale_crm.activities.timeline import DatedRecord, timeline
from wholesale_crm.errors import ValidationError

START = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def call(n: int, hours: int) -> Interaction:
    at = START + timedelta(hours=hours)
    return Interaction.log(
        f"int-{n}",
        account_id="ACC-1",
        rep_id="rep-ann",
        logged_at=at,
        details=InteractionDetails("call", at, f"call {n}"),
    )


def test_interactions_and_orders_merge_newest_first() -> None:
    calls = [call(1, 0), call(2, 48), call(3, 24)]
    orders = [
        DatedRecord("SO-7", START + timedelta(hours=30), "order", "Order SO-7, 12 cases"),
        DatedRecord.on(date(2026, 4, 2), "Europe/Berlin", id="SO-8", source="order"),
    ]
    page = timeline(calls, orders, limit=10)
    assert [r.id for r in page.items] == ["int-2", "SO-7", "int-3", "SO-8", "int-1"]
    # A record known by date sits at local midnight: 22:00 UTC the evening before.
    assert page.items[3].occurred_at == datetime(2026, 4, 1, 22, 0, tzinfo=UTC)
    assert page.next_cursor is None


def test_pages_follow_the_cursor_and_ties_break_by_id() -> None:
    calls = [call(n, hours=n // 2) for n in range(7)]  # pairs share an instant
    first = timeline(calls, limit=3)
    assert [r.id for r in first.items] == ["int-6", "int-5", "int-4"]
    assert first.next_cursor is not None
    second = timeline(calls, limit=3, cursor=first.next_cursor)
    assert [r.id for r in second.items] == ["int-3", "int-2", "int-1"]
    third = timeline(calls, limit=3, cursor=second.next_cursor)
    assert [r.id for r in third.items] == ["int-0"]
    assert third.next_cursor is None


def test_the_cursor_is_stable_when_newer_records_arrive() -> None:
    calls = [call(n, hours=n) for n in range(5)]
    first = timeline(calls, limit=2)
    calls.append(call(9, hours=100))  # logged after the first page was read
    second = timeline(calls, limit=2, cursor=first.next_cursor)
    assert [r.id for r in first.items] == ["int-4", "int-3"]
    assert [r.id for r in second.items] == ["int-2", "int-1"]


@pytest.mark.parametrize(("limit", "cursor", "path"), [(0, None, "limit"), (5, "%%%", "cursor")])
def test_bad_limit_or_cursor_is_refused(limit: int, cursor: str | None, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        timeline([call(1, 0)], limit=limit, cursor=cursor)
    assert caught.value.paths == (path,)


def test_a_naive_record_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        DatedRecord("SO-1", datetime(2026, 4, 1), "order")
    assert caught.value.paths == ("occurred_at",)
