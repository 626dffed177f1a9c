"""Interactions: the calls, emails, visits, meetings and notes of an account's history.

An `Interaction` is never edited in place. Correcting one appends a `Correction` holding the
full corrected details, who made it, when and why; `original` stays as first logged, and
`details` is always the latest version. So the history an auditor sees ("what did the rep
write on the day?") and the history a manager reads ("what happened?") are both kept.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import attrs

from wholesale_crm.aggregate import Aggregate
from wholesale_crm.clock import require_aware, zone
from wholesale_crm.errors import ValidationError
from wholesale_crm.events import Event
from wholesale_crm.ids import AccountId, ContactId, InteractionId, OpportunityId, OrderId, UserId
from wholesale_crm.validation import enum_value, non_blank

__all__ = [
    "Channel",
    "Correction",
    "Interaction",
    "InteractionCorrected",
    "InteractionDetails",
    "InteractionLogged",
    "Rep",
    "as_utc",
    "aware",
    "utc",
    "valid_timezone",
]


def utc(value: Any, path: str) -> datetime:
    """`value`, an aware `datetime` in any zone, as UTC; `ValidationError` at `path` if naive."""
    return require_aware(value, path).astimezone(UTC)


def as_utc(value: Any) -> Any:
    """An attrs converter: an aware `datetime` to UTC; anything else is left to `aware`."""
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value.astimezone(UTC)
    return value


def aware(_: object, attribute: Any, value: Any) -> None:
    """An attrs validator: a timezone-aware `datetime` (a naive one names the field)."""
    require_aware(value, attribute.name)


def valid_timezone(_: object, attribute: Any, value: Any) -> None:
    """An attrs validator: an IANA time zone name known to `zoneinfo`."""
    zone(value, attribute.name)


class Channel(enum.StrEnum):
    """How the rep and the customer were in touch (a note records no contact at all)."""

    CALL = "call"
    EMAIL = "email"
    VISIT = "visit"
    MEETING = "meeting"
    NOTE = "note"


def _to_channel(value: object) -> Channel:
    return enum_value(Channel, value, "channel")


def _minutes(_: object, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError.field(attribute.name, value, "must be a whole number of minutes >= 0")


@attrs.frozen
class Rep:
    """A person who works accounts and follow-ups, with the time zone their day runs in."""

    id: UserId = attrs.field(validator=non_blank)
    name: str = attrs.field(validator=non_blank)
    timezone: str = attrs.field(default="UTC", validator=valid_timezone)


@attrs.frozen
class InteractionDetails:
    """What happened: one version of an interaction's content.

    Attributes:
        channel: Call, email, visit, meeting or note.
        occurred_at: When it happened, stored in UTC (give any aware datetime).
        summary: What was said or done.
        outcome: How it ended, in the rep's words (`"order promised"`, `"no answer"`).
        duration_minutes: How long it took; 0 when not measured.
        contact_id: The person at the account, if any.
        opportunity_id: The opportunity it was about, if any.
        order_id: The order it was about, if any.
    """

    channel: Channel = attrs.field(converter=_to_channel)
    occurred_at: datetime = attrs.field(converter=as_utc, validator=aware)
    summary: str = attrs.field(validator=non_blank)
    outcome: str = ""
    duration_minutes: int = attrs.field(default=0, validator=_minutes)
    contact_id: ContactId | None = None
    opportunity_id: OpportunityId | None = None
    order_id: OrderId | None = None


@attrs.frozen
class Correction:
    """A later version of an interaction's details, with who changed it, when and why."""

    details: InteractionDetails
    corrected_at: datetime = attrs.field(converter=as_utc, validator=aware)
    corrected_by: UserId = attrs.field(validator=non_blank)
    reason: str = attrs.field(validator=non_blank)


@attrs.frozen
class InteractionLogged(Event):
    """A rep recorded an interaction with an account."""

    interaction_id: InteractionId
    account_id: AccountId
    rep_id: UserId
    channel: Channel
    occurred_at: datetime


@attrs.frozen
class InteractionCorrected(Event):
    """An interaction's details were corrected; `revision` counts corrections so far."""

    interaction_id: InteractionId
    account_id: AccountId
    revision: int
    occurred_at: datetime


_CORRECTABLE = frozenset(f.name for f in attrs.fields(InteractionDetails))


@attrs.define(eq=False)
class Interaction(Aggregate):
    """One contact with an account (or a note about it), with every correction kept.

    Build new ones with `Interaction.log`, which records `InteractionLogged`. The account and
    the rep are fixed; everything in `InteractionDetails` can be corrected with `correct`.
    """

    kind = "interaction"

    id: InteractionId = attrs.field(validator=non_blank)
    account_id: AccountId = attrs.field(validator=non_blank)
    rep_id: UserId = attrs.field(validator=non_blank)
    logged_at: datetime = attrs.field(converter=as_utc, validator=aware)
    original: InteractionDetails
    corrections: list[Correction] = attrs.Factory(list)

    @classmethod
    def log(
        cls,
        id: str,
        *,
        account_id: str,
        rep_id: str,
        logged_at: datetime,
        details: InteractionDetails,
    ) -> Interaction:
        """A new interaction as the rep recorded it at `logged_at`."""
        interaction = cls(
            InteractionId(id), AccountId(account_id), UserId(rep_id), logged_at, details
        )
        interaction.record(
            InteractionLogged(
                interaction.id,
                interaction.account_id,
                interaction.rep_id,
                details.channel,
                details.occurred_at,
            )
        )
        return interaction

    @property
    def details(self) -> InteractionDetails:
        """The current version of the details: the latest correction, else the original."""
        return self.corrections[-1].details if self.corrections else self.original

    @property
    def occurred_at(self) -> datetime:
        """When the interaction happened (current version), in UTC."""
        return self.details.occurred_at

    @property
    def revision(self) -> int:
        """How many times the interaction was corrected (0 for an original)."""
        return len(self.corrections)

    def details_as_of(self, at: datetime) -> InteractionDetails:
        """The details as they read at instant `at` (the original before any correction)."""
        at = require_aware(at, "at")
        current = self.original
        for correction in self.corrections:
            if correction.corrected_at > at:
                break
            current = correction.details
        return current

    def correct(self, *, by: str, at: datetime, reason: str, **changes: Any) -> Correction:
        """Append a corrected version; the original and earlier corrections stay.

        Args:
            by: The user making the correction.
            at: When it is made (aware; not before the interaction was logged).
            reason: Why, in words.
            **changes: New values for fields of `InteractionDetails`.

        Raises:
            ValidationError: an unknown field, a value the details refuse, a naive or
                too-early `at`, or no actual change.
        """
        unknown = sorted(set(changes) - _CORRECTABLE)
        if unknown:
            raise ValidationError.field(
                unknown[0], changes[unknown[0]], f"cannot be corrected; use {sorted(_CORRECTABLE)}"
            )
        at = utc(at, "at")
        details = attrs.evolve(self.details, **changes)
        if details == self.details:
            raise ValidationError.field("changes", changes, "change nothing")
        correction = Correction(details, at, UserId(by), reason)
        previous = self.corrections[-1].corrected_at if self.corrections else self.logged_at
        if correction.corrected_at < previous:
            raise ValidationError.field(
                "at", at, f"is before the last version of the interaction ({previous})"
            )
        self.corrections.append(correction)
        self.record(
            InteractionCorrected(self.id, self.account_id, self.revision, details.occurred_at)
        )
        return correction
