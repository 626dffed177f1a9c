"""Interactions: aware UTC instants, corrections that keep the original, round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from wholesale_crm.activities.model import (
    Channel,
    Interaction,
    InteractionCorrected,
    InteractionDetails,
    InteractionLogged,
    Rep,
)
from wholesale_crm.errors import ValidationError
from wholesale_crm.serialization import from_dict, to_dict

BERLIN_SUMMER = timezone(timedelta(hours=2))


def visit() -> Interaction:
    return Interaction.log(
        "int-1",
        account_id="ACC-1",
        rep_id="rep-ann",
        logged_at=datetime(2026, 5, 4, 16, 0, tzinfo=UTC),
        details=InteractionDetails(
            "visit",
            datetime(2026, 5, 4, 10, 30, tzinfo=BERLIN_SUMMER),
            "Walked the store with the buyer",
            outcome="order promised",
            duration_minutes=45,
            contact_id="C-1",
        ),
    )


def test_logging_stores_the_instant_in_utc_and_records_an_event() -> None:
    interaction = visit()
    assert interaction.occurred_at == datetime(2026, 5, 4, 8, 30, tzinfo=UTC)
    assert interaction.occurred_at.tzinfo is UTC
    assert interaction.details.channel is Channel.VISIT
    assert interaction.pending_events == (
        InteractionLogged(
            "int-1", "ACC-1", "rep-ann", Channel.VISIT, datetime(2026, 5, 4, 8, 30, tzinfo=UTC)
        ),
    )


def test_naive_datetime_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        InteractionDetails("call", datetime(2026, 5, 4, 10, 30), "Called")
    assert caught.value.paths == ("occurred_at",)


@pytest.mark.parametrize(
    ("field", "value"),
    [("channel", "fax"), ("summary", " "), ("duration_minutes", -5), ("duration_minutes", 1.5)],
)
def test_bad_details_are_refused(field: str, value: object) -> None:
    fields: dict[str, object] = {
        "channel": "call",
        "occurred_at": datetime(2026, 5, 4, tzinfo=UTC),
        "summary": "Called",
        field: value,
    }
    with pytest.raises(ValidationError) as caught:
        InteractionDetails(**fields)  # type: ignore[arg-type]
    assert caught.value.paths == (field,)


def test_a_correction_keeps_the_original_and_every_version() -> None:
    interaction = visit()
    interaction.pull_events()
    first = datetime(2026, 5, 5, 9, 0, tzinfo=UTC)
    interaction.correct(
        by="mgr-bo",
        at=first,
        reason="wrong day",
        occurred_at=datetime(2026, 5, 3, 10, 30, tzinfo=BERLIN_SUMMER),
    )
    interaction.correct(
        by="rep-ann", at=first + timedelta(hours=1), reason="typo", outcome="order placed"
    )
    assert interaction.revision == 2
    assert interaction.original.occurred_at == datetime(2026, 5, 4, 8, 30, tzinfo=UTC)
    assert interaction.original.outcome == "order promised"
    assert interaction.occurred_at == datetime(2026, 5, 3, 8, 30, tzinfo=UTC)
    assert interaction.details.outcome == "order placed"
    assert interaction.details_as_of(first - timedelta(seconds=1)) == interaction.original
    assert interaction.details_as_of(first).outcome == "order promised"
    assert interaction.details_as_of(first).occurred_at.day == 3
    assert interaction.pull_events() == [
        InteractionCorrected("int-1", "ACC-1", 1, datetime(2026, 5, 3, 8, 30, tzinfo=UTC)),
        InteractionCorrected("int-1", "ACC-1", 2, datetime(2026, 5, 3, 8, 30, tzinfo=UTC)),
    ]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"account_id": "ACC-2"}, "account_id"),
        ({"summary": ""}, "summary"),
        ({"outcome": "order promised"}, "changes"),
        ({"occurred_at": datetime(2026, 5, 4, 10, 30)}, "occurred_at"),
    ],
)
def test_bad_corrections_change_nothing(changes: dict[str, object], path: str) -> None:
    interaction = visit()
    before = to_dict(interaction)
    with pytest.raises(ValidationError) as caught:
        interaction.correct(
            by="mgr-bo", at=datetime(2026, 5, 5, tzinfo=UTC), reason="fix", **changes
        )
    assert caught.value.paths == (path,)
    assert to_dict(interaction) == before


def test_a_correction_cannot_predate_the_logging() -> None:
    interaction = visit()
    with pytest.raises(ValidationError, match="before the last version"):
        interaction.correct(
            by="mgr-bo", at=datetime(2026, 5, 4, 15, 0, tzinfo=UTC), reason="x", outcome="y"
        )
    with pytest.raises(ValidationError) as caught:
        interaction.correct(by="mgr-bo", at=datetime(2026, 5, 5), reason="x", outcome="y")
    assert caught.value.paths == ("at",)


def test_interaction_round_trips_through_the_converter() -> None:
    interaction = visit()
    interaction.correct(
        by="mgr-bo", at=datetime(2026, 5, 6, tzinfo=UTC), reason="typo", summary="Store walk"
    )
    again = from_dict(Interaction, to_dict(interaction))
    assert to_dict(again) == to_dict(interaction)
    assert again.details.summary == "Store walk"
    assert again.original.summary == "Walked the store with the buyer"


def test_rep_timezone_is_checked() -> None:
    assert Rep("rep-ann", "Ann", "America/Los_Angeles").timezone == "America/Los_Angeles"
    with pytest.raises(ValidationError) as caught:
        Rep("rep-ann", "Ann", "Mars/Olympus")
    assert caught.value.paths == ("timezone",)
