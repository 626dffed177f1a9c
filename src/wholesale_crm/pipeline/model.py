"""Pipelines of stages, leads and opportunities with their append-only stage history.

A `Pipeline` is an ordered list of `Stage`s and the moves it allows. An `Opportunity` sits in
one stage of one pipeline and keeps a `StageEntry` for every move, stored by stage id so that
renaming or reordering stages never breaks its history. Probabilities follow the stage until a
person overrides them; the override lasts until the stage changes or it is cleared.
"""

from __future__ import annotations

import enum
import itertools
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from wholesale_crm.accounts.model import Account, Address, Contact, Site, SiteRole
from wholesale_crm.aggregate import Aggregate
from wholesale_crm.clock import require_aware
from wholesale_crm.errors import FieldError, PolicyViolation, RuleError, ValidationError
from wholesale_crm.events import Event
from wholesale_crm.ids import (
    AccountId,
    ContactId,
    LeadId,
    OpportunityId,
    PipelineId,
    SiteId,
    StageId,
    UserId,
)
from wholesale_crm.money import Money, to_decimal
from wholesale_crm.validation import (
    country_code,
    email,
    enum_value,
    non_blank,
    non_negative,
    optional,
)

__all__ = [
    "ForecastCategory",
    "Lead",
    "LeadConverted",
    "LeadDisqualified",
    "LeadQualified",
    "LeadStatus",
    "Opportunity",
    "OpportunityLost",
    "OpportunityOpened",
    "OpportunityReopened",
    "OpportunityStatus",
    "OpportunityWon",
    "Pipeline",
    "RequiredField",
    "Stage",
    "StageChanged",
    "StageEntry",
    "StageKind",
    "StageStay",
    "replay",
]

HUNDRED = Decimal(100)


class StageKind(enum.StrEnum):
    """Whether a stage is still being worked, or closes the deal as won or lost."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class ForecastCategory(enum.StrEnum):
    """How sure the seller is: the buckets a forecast is reported in."""

    PIPELINE = "pipeline"
    BEST_CASE = "best_case"
    COMMIT = "commit"
    CLOSED = "closed"
    OMITTED = "omitted"


class RequiredField(enum.StrEnum):
    """An opportunity field a stage may require before a deal enters it."""

    AMOUNT = "amount"
    EXPECTED_CLOSE = "expected_close"
    NEXT_STEP = "next_step"
    CONTACT = "contact_id"


class OpportunityStatus(enum.StrEnum):
    """Open, won or lost: the kind of the stage the opportunity is in."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class LeadStatus(enum.StrEnum):
    """A lead's life: new -> qualified -> converted, or disqualified."""

    NEW = "new"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"
    CONVERTED = "converted"


def _percent(value: Any) -> Decimal:
    result = to_decimal(value, "probability")
    if not Decimal(0) <= result <= HUNDRED:
        raise ValidationError.field("probability", value, "must be between 0 and 100")
    return result


def _optional_percent(value: Any) -> Decimal | None:
    return None if value is None else _percent(value)


def _utc(value: Any) -> datetime:
    return require_aware(value, "at").astimezone(UTC)


def _optional_utc(value: Any) -> datetime | None:
    return None if value is None else _utc(value)


def _to_kind(value: Any) -> StageKind:
    return enum_value(StageKind, value, "kind")


def _to_category(value: Any) -> ForecastCategory:
    return enum_value(ForecastCategory, value, "category")


def _to_required(value: Any) -> tuple[RequiredField, ...]:
    return tuple(enum_value(RequiredField, v, "requires") for v in value)


def _to_opportunity_status(value: Any) -> OpportunityStatus:
    return enum_value(OpportunityStatus, value, "status")


def _to_lead_status(value: Any) -> LeadStatus:
    return enum_value(LeadStatus, value, "status")


def _non_blank_text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.field(path, value, "must be a non-empty string")
    return value.strip()


# -- events ---------------------------------------------------------------------------------


@attrs.frozen
class StageChanged(Event):
    """An opportunity moved from one stage to another (also on win, loss and reopen)."""

    opportunity_id: OpportunityId
    pipeline_id: PipelineId
    from_stage_id: StageId
    to_stage_id: StageId
    at: datetime
    by: UserId


@attrs.frozen
class OpportunityOpened(Event):
    """A new opportunity entered its pipeline."""

    opportunity_id: OpportunityId
    account_id: AccountId
    stage_id: StageId
    at: datetime
    by: UserId


@attrs.frozen
class OpportunityWon(Event):
    """An opportunity was won on `closed_on` (the owner's date)."""

    opportunity_id: OpportunityId
    amount: Money | None
    closed_on: date
    at: datetime
    by: UserId


@attrs.frozen
class OpportunityLost(Event):
    """An opportunity was lost on `closed_on`, for `reason`."""

    opportunity_id: OpportunityId
    reason: str
    closed_on: date
    at: datetime
    by: UserId


@attrs.frozen
class OpportunityReopened(Event):
    """A won or lost opportunity went back into an open stage."""

    opportunity_id: OpportunityId
    stage_id: StageId
    at: datetime
    by: UserId


@attrs.frozen
class LeadQualified(Event):
    """A lead was judged worth pursuing."""

    lead_id: LeadId
    at: datetime
    by: UserId


@attrs.frozen
class LeadDisqualified(Event):
    """A lead was dropped, for `reason`."""

    lead_id: LeadId
    reason: str
    at: datetime
    by: UserId


@attrs.frozen
class LeadConverted(Event):
    """A lead became an account (new or existing), a contact and an opportunity."""

    lead_id: LeadId
    account_id: AccountId
    contact_id: ContactId
    opportunity_id: OpportunityId
    new_account: bool
    at: datetime
    by: UserId


# -- pipelines ------------------------------------------------------------------------------


@attrs.frozen
class Stage:
    """One step of a pipeline.

    Args:
        id: Stable id; history refers to it, so it never changes (the name may).
        name: What people see; renaming keeps every history intact.
        probability: Default win probability in percent (0..100); won stages are 100 and
            lost stages 0.
        kind: Open, won or lost.
        category: Forecast category of deals in this stage; won stages are `closed`,
            lost stages `omitted`.
        requires: Opportunity fields that must be set before a deal enters the stage.
    """

    id: StageId = attrs.field(validator=non_blank)
    name: str = attrs.field(validator=non_blank)
    probability: Decimal = attrs.field(converter=_percent)
    kind: StageKind = attrs.field(default=StageKind.OPEN, converter=_to_kind)
    category: ForecastCategory = attrs.field(
        default=ForecastCategory.PIPELINE, converter=_to_category
    )
    requires: tuple[RequiredField, ...] = attrs.field(default=(), converter=_to_required)

    @property
    def is_open(self) -> bool:
        """True for a stage where the deal is still being worked."""
        return self.kind is StageKind.OPEN


def _check_stages(pipeline_id: str, stages: Sequence[Stage]) -> None:
    """Raise `RuleError` naming the stages that make the list inconsistent."""
    counts = Counter(s.id for s in stages)
    duplicates = sorted(id for id, n in counts.items() if n > 1)
    if duplicates:
        raise RuleError(f"pipeline {pipeline_id}: duplicate stage ids {duplicates}", duplicates)
    for kind in StageKind:
        if not any(s.kind is kind for s in stages):
            raise RuleError(
                f"pipeline {pipeline_id} needs at least one {kind} stage", [pipeline_id]
            )
    expected = {
        StageKind.WON: (HUNDRED, ForecastCategory.CLOSED),
        StageKind.LOST: (Decimal(0), ForecastCategory.OMITTED),
    }
    for s in stages:
        if s.kind in expected:
            probability, category = expected[s.kind]
            if s.probability != probability or s.category is not category:
                raise RuleError(
                    f"{s.kind} stage {s.id} must have probability {probability} and category "
                    f"{category} (has {s.probability}, {s.category})",
                    [s.id],
                )
        elif s.category is ForecastCategory.CLOSED:
            raise RuleError(f"open stage {s.id} cannot be in the closed category", [s.id])


@attrs.define(eq=False)
class Pipeline(Aggregate):
    """An ordered list of stages and the moves between them.

    Open stages are worked in list order. A deal moves forward one stage at a time; with
    `allow_skip` it may jump ahead, with `allow_back` it may go back. From any open stage it
    may close (won or lost); a closed deal moves again only through `Opportunity.reopen`.
    """

    kind = "pipeline"

    id: PipelineId = attrs.field(validator=non_blank)
    name: str = attrs.field(validator=non_blank)
    stages: list[Stage]
    allow_back: bool = True
    allow_skip: bool = False

    def __attrs_post_init__(self) -> None:
        _check_stages(self.id, self.stages)

    # -- lookups ----------------------------------------------------------------------------

    def stage(self, stage_id: str) -> Stage:
        """The stage with `stage_id`; `ValidationError` naming the pipeline if unknown."""
        for s in self.stages:
            if s.id == stage_id:
                return s
        known = ", ".join(s.id for s in self.stages)
        raise ValidationError.field(
            "stage_id", stage_id, f"is not a stage of pipeline {self.id} (stages: {known})"
        )

    @property
    def open_stages(self) -> list[Stage]:
        """The open stages, in working order."""
        return [s for s in self.stages if s.is_open]

    @property
    def first_stage(self) -> Stage:
        """Where new deals start: the first open stage."""
        return self.open_stages[0]

    @property
    def won_stage(self) -> Stage:
        """The (first) won stage."""
        return next(s for s in self.stages if s.kind is StageKind.WON)

    @property
    def lost_stage(self) -> Stage:
        """The (first) lost stage."""
        return next(s for s in self.stages if s.kind is StageKind.LOST)

    def rank(self, stage_id: str) -> int:
        """How far into the pipeline a stage is: open stages 0, 1, ...; won past them all.

        Lost stages rank -1: losing says nothing about how far the deal got.
        """
        stage = self.stage(stage_id)
        if stage.kind is StageKind.WON:
            return len(self.open_stages)
        if stage.kind is StageKind.LOST:
            return -1
        return self.open_stages.index(stage)

    # -- moves ------------------------------------------------------------------------------

    def check_move(self, from_id: str, to_id: str) -> None:
        """Raise `PolicyViolation` unless a deal in `from_id` may move to `to_id`.

        Raises:
            ValidationError: either stage is not in this pipeline.
            PolicyViolation: the move is not allowed; `details` names both stages.
        """
        source, target = self.stage(from_id), self.stage(to_id)
        details = {"pipeline_id": self.id, "from": source.id, "to": target.id}
        if source.id == target.id:
            raise PolicyViolation(f"the deal is already in stage {source.id}", details)
        if not source.is_open:
            raise PolicyViolation(
                f"stage {source.id} is {source.kind}: reopen the deal before moving it", details
            )
        if not target.is_open:
            return
        step = self.rank(target.id) - self.rank(source.id)
        if step > 1 and not self.allow_skip:
            raise PolicyViolation(
                f"pipeline {self.id} does not allow skipping from {source.id} to {target.id}",
                details,
            )
        if step < 0 and not self.allow_back:
            raise PolicyViolation(
                f"pipeline {self.id} does not allow moving back from {source.id} to {target.id}",
                details,
            )

    # -- configuration changes ----------------------------------------------------------------

    def _replace_stages(self, stages: list[Stage]) -> None:
        _check_stages(self.id, stages)
        self.stages = stages

    def rename_stage(self, stage_id: str, name: str) -> None:
        """Rename a stage; histories keep referring to it by id."""
        stage = self.stage(stage_id)
        self._replace_stages([attrs.evolve(s, name=name) if s is stage else s for s in self.stages])

    def set_default_probability(self, stage_id: str, probability: Decimal | int | str) -> None:
        """Change a stage's default probability; deals without an override follow it."""
        stage = self.stage(stage_id)
        self._replace_stages(
            [attrs.evolve(s, probability=probability) if s is stage else s for s in self.stages]
        )

    def reorder_stages(self, stage_ids: Sequence[str]) -> None:
        """Put the stages in the order of `stage_ids`, which must list every stage once."""
        if sorted(stage_ids) != sorted(s.id for s in self.stages):
            raise ValidationError.field(
                "stage_ids", list(stage_ids), f"must list each stage of {self.id} exactly once"
            )
        self._replace_stages([self.stage(i) for i in stage_ids])

    def add_stage(self, stage: Stage, *, before: str | None = None) -> None:
        """Add a stage at the end, or before the stage `before`."""
        stages = list(self.stages)
        index = len(stages) if before is None else stages.index(self.stage(before))
        stages.insert(index, stage)
        self._replace_stages(stages)


# -- stage history --------------------------------------------------------------------------


@attrs.frozen
class StageEntry:
    """One move into a stage: when (aware, stored in UTC), who, and from which stage.

    The first entry of a history has no `from_stage_id`. Entries are never merged: two moves
    a second apart are two entries.
    """

    stage_id: StageId = attrs.field(validator=non_blank)
    at: datetime = attrs.field(converter=_utc)
    by: UserId = attrs.field(validator=non_blank)
    from_stage_id: StageId | None = None


@attrs.frozen
class StageStay:
    """A period an opportunity spent in one stage; `left_at` is `None` while it is still there."""

    stage_id: StageId
    entered_at: datetime
    left_at: datetime | None

    def duration(self, until: datetime) -> timedelta:
        """Time spent in the stage, up to `until` for the current stay."""
        end = self.left_at if self.left_at is not None else require_aware(until, "until")
        return end - self.entered_at


def replay(pipeline: Pipeline, history: Sequence[StageEntry]) -> StageId:
    """Walk a stage history and return the stage it ends in.

    Checks that every stage exists, that each entry starts where the previous one ended and
    that time never runs backwards.

    Raises:
        RuleError: the history is empty or broken; names the entry's stage.
    """
    if not history:
        raise RuleError("an empty stage history has no current stage", [pipeline.id])
    current: StageEntry | None = None
    for entry in history:
        pipeline.stage(entry.stage_id)
        expected = current.stage_id if current is not None else None
        if entry.from_stage_id != expected:
            raise RuleError(
                f"history entry into {entry.stage_id} at {entry.at.isoformat()} comes from "
                f"{entry.from_stage_id}, but the deal was in {expected}",
                [entry.stage_id],
            )
        if current is not None and entry.at < current.at:
            raise RuleError(
                f"history entry into {entry.stage_id} at {entry.at.isoformat()} is earlier "
                f"than the one before it",
                [entry.stage_id],
            )
        current = entry
    assert current is not None  # history is not empty
    return current.stage_id


# -- opportunities --------------------------------------------------------------------------


def _check_history(instance: Opportunity, _: Any, history: list[StageEntry]) -> None:
    if not history:
        raise ValidationError.field("history", history, "must hold at least the first stage")
    if history[-1].stage_id != instance.stage_id:
        raise ValidationError.field(
            "history", history[-1].stage_id, f"must end in the current stage {instance.stage_id}"
        )


def _optional_money(_: Any, attribute: Any, value: Money | None) -> None:
    if value is not None:
        non_negative(_, attribute, value)


@attrs.define(eq=False)
class Opportunity(Aggregate):
    """A deal being pursued with an account, in one stage of one pipeline.

    Create it with `Opportunity.open`; change it through its methods, which check the
    pipeline's rules before changing anything and record `StageChanged`, `OpportunityWon`,
    `OpportunityLost` and `OpportunityReopened`.
    """

    kind = "opportunity"

    id: OpportunityId = attrs.field(validator=non_blank)
    name: str = attrs.field(validator=non_blank)
    account_id: AccountId = attrs.field(validator=non_blank)
    owner_id: UserId = attrs.field(validator=non_blank)
    pipeline_id: PipelineId = attrs.field(validator=non_blank)
    stage_id: StageId = attrs.field(validator=non_blank)
    history: list[StageEntry] = attrs.field(validator=_check_history)
    status: OpportunityStatus = attrs.field(
        default=OpportunityStatus.OPEN, converter=_to_opportunity_status
    )
    amount: Money | None = attrs.field(default=None, validator=_optional_money)
    expected_close: date | None = None
    probability_override: Decimal | None = attrs.field(default=None, converter=_optional_percent)
    next_step: str | None = None
    contact_id: ContactId | None = None
    lost_reason: str | None = None
    closed_on: date | None = None
    last_activity_at: datetime | None = attrs.field(default=None, converter=_optional_utc)
    lead_id: LeadId | None = None

    def __attrs_post_init__(self) -> None:
        closed = self.status is not OpportunityStatus.OPEN
        if closed != (self.closed_on is not None):
            raise ValidationError.field(
                "closed_on",
                self.closed_on,
                f"must be set exactly when the deal is closed (status {self.status})",
            )
        if self.status is OpportunityStatus.LOST and not (self.lost_reason or "").strip():
            raise ValidationError.field("lost_reason", self.lost_reason, "is required when lost")

    @classmethod
    def open(
        cls,
        pipeline: Pipeline,
        *,
        id: str,
        name: str,
        account_id: str,
        owner_id: str,
        at: datetime,
        by: str,
        stage_id: str | None = None,
        amount: Money | None = None,
        expected_close: date | None = None,
        next_step: str | None = None,
        contact_id: str | None = None,
        lead_id: str | None = None,
    ) -> Opportunity:
        """A new deal in `stage_id` (the pipeline's first stage by default).

        Raises:
            ValidationError: unknown stage, a negative amount, or a field the stage requires
                is missing.
            PolicyViolation: the stage is not an open one.
        """
        stage = pipeline.stage(stage_id) if stage_id is not None else pipeline.first_stage
        if not stage.is_open:
            raise PolicyViolation(
                f"a new deal cannot start in {stage.kind} stage {stage.id}",
                {"pipeline_id": pipeline.id, "stage_id": stage.id},
            )
        opportunity = cls(
            id=OpportunityId(id),
            name=name,
            account_id=AccountId(account_id),
            owner_id=UserId(owner_id),
            pipeline_id=pipeline.id,
            stage_id=stage.id,
            history=[StageEntry(stage.id, at, UserId(by))],
            amount=amount,
            expected_close=expected_close,
            next_step=next_step,
            contact_id=ContactId(contact_id) if contact_id else None,
            lead_id=LeadId(lead_id) if lead_id else None,
        )
        opportunity._check_requirements(stage)
        entry = opportunity.history[0]
        opportunity.record(
            OpportunityOpened(opportunity.id, opportunity.account_id, stage.id, entry.at, entry.by)
        )
        return opportunity

    # -- reading ----------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """True while the deal is in an open stage."""
        return self.status is OpportunityStatus.OPEN

    def probability(self, pipeline: Pipeline) -> Decimal:
        """The win probability in use: the override if set, else the stage's default."""
        self._check_pipeline(pipeline)
        if self.probability_override is not None:
            return self.probability_override
        return pipeline.stage(self.stage_id).probability

    @property
    def entered_stage_at(self) -> datetime:
        """When the deal entered its current stage."""
        return self.history[-1].at

    @property
    def last_touch(self) -> datetime:
        """The later of the last stage move and the last recorded activity."""
        moved = self.history[-1].at
        if self.last_activity_at is not None and self.last_activity_at > moved:
            return self.last_activity_at
        return moved

    def stays(self) -> list[StageStay]:
        """The periods spent in each stage, oldest first; the last one is still running."""
        entries = self.history
        stays = [
            StageStay(entry.stage_id, entry.at, after.at)
            for entry, after in itertools.pairwise(entries)
        ]
        stays.append(StageStay(entries[-1].stage_id, entries[-1].at, None))
        return stays

    # -- checks -----------------------------------------------------------------------------

    def _check_pipeline(self, pipeline: Pipeline) -> None:
        if pipeline.id != self.pipeline_id:
            raise ValidationError.field(
                "pipeline", pipeline.id, f"opportunity {self.id} is in pipeline {self.pipeline_id}"
            )

    def _check_time(self, at: datetime) -> datetime:
        moment = _utc(at)
        last = self.history[-1].at
        if moment < last:
            raise ValidationError.field(
                "at", at, f"is before the last stage move of {self.id} at {last.isoformat()}"
            )
        return moment

    def _missing(self, stage: Stage, **overrides: Any) -> list[FieldError]:
        missing = []
        for required in stage.requires:
            value = overrides.get(required.value, getattr(self, required.value))
            if value is None or (isinstance(value, str) and not value.strip()):
                missing.append(
                    FieldError(
                        required.value, value, f"is required in stage {stage.id} ({stage.name})"
                    )
                )
        return missing

    def _check_requirements(self, stage: Stage) -> None:
        missing = self._missing(stage)
        if missing:
            raise ValidationError(missing)

    def _require_open(self, action: str) -> None:
        if not self.is_open:
            raise PolicyViolation(
                f"opportunity {self.id} is {self.status}: cannot {action}",
                {"opportunity_id": self.id, "status": self.status.value},
            )

    # -- stage moves ------------------------------------------------------------------------

    def _enter(self, pipeline: Pipeline, stage: Stage, moment: datetime, by: str) -> None:
        previous = self.stage_id
        self.history.append(StageEntry(stage.id, moment, UserId(by), previous))
        self.stage_id = stage.id
        self.probability_override = None  # an override belongs to the stage it was made in
        self.record(StageChanged(self.id, pipeline.id, previous, stage.id, moment, UserId(by)))

    def move_to(
        self,
        pipeline: Pipeline,
        stage_id: str,
        *,
        at: datetime,
        by: str,
        lost_reason: str | None = None,
        closed_on: date | None = None,
    ) -> None:
        """Move to another stage; into a won or lost stage this closes the deal.

        Args:
            pipeline: The opportunity's pipeline (its rules and stages).
            stage_id: Target stage.
            at: When the move happened (aware; stored in UTC).
            by: Who moved it.
            lost_reason: Required when the target is a lost stage.
            closed_on: Close date for a won or lost stage; `at`'s UTC date by default
                (services pass the owner's local date).

        Raises:
            ValidationError: unknown stage, missing required fields, no lost reason, `at`
                before the last move. Nothing is changed.
            PolicyViolation: the pipeline forbids the move. Nothing is changed.
        """
        self._check_pipeline(pipeline)
        pipeline.check_move(self.stage_id, stage_id)
        target = pipeline.stage(stage_id)
        moment = self._check_time(at)
        self._check_requirements(target)
        reason = None
        if target.kind is StageKind.LOST:
            reason = _non_blank_text(lost_reason, "lost_reason")
        closed = closed_on if closed_on is not None else moment.date()
        self._enter(pipeline, target, moment, by)
        if target.kind is StageKind.WON:
            self.status, self.closed_on = OpportunityStatus.WON, closed
            self.record(OpportunityWon(self.id, self.amount, closed, moment, UserId(by)))
        elif target.kind is StageKind.LOST:
            assert reason is not None  # checked above
            self.status, self.closed_on, self.lost_reason = OpportunityStatus.LOST, closed, reason
            self.record(OpportunityLost(self.id, reason, closed, moment, UserId(by)))

    def win(
        self, pipeline: Pipeline, *, at: datetime, by: str, closed_on: date | None = None
    ) -> None:
        """Close as won in the pipeline's won stage; see `move_to`."""
        self.move_to(pipeline, pipeline.won_stage.id, at=at, by=by, closed_on=closed_on)

    def lose(
        self,
        pipeline: Pipeline,
        reason: str,
        *,
        at: datetime,
        by: str,
        closed_on: date | None = None,
    ) -> None:
        """Close as lost for `reason` (required) in the pipeline's lost stage; see `move_to`."""
        self.move_to(
            pipeline, pipeline.lost_stage.id, at=at, by=by, lost_reason=reason, closed_on=closed_on
        )

    def reopen(
        self, pipeline: Pipeline, stage_id: str | None = None, *, at: datetime, by: str
    ) -> None:
        """Put a won or lost deal back into an open stage, clearing close date and reason.

        The probability follows the new stage (any old override is gone). By default the deal
        goes back to the last open stage it was in.

        Raises:
            PolicyViolation: the deal is open.
            ValidationError: unknown or non-open target stage, missing required fields.
        """
        self._check_pipeline(pipeline)
        if self.is_open:
            raise PolicyViolation(
                f"opportunity {self.id} is open: only won or lost deals can be reopened",
                {"opportunity_id": self.id, "stage_id": self.stage_id},
            )
        if stage_id is None:
            last_open = [e.stage_id for e in self.history if pipeline.stage(e.stage_id).is_open]
            stage_id = last_open[-1]
        target = pipeline.stage(stage_id)
        if not target.is_open:
            raise ValidationError.field("stage_id", stage_id, "a deal reopens into an open stage")
        moment = self._check_time(at)
        self._check_requirements(target)
        self._enter(pipeline, target, moment, by)
        self.status, self.closed_on, self.lost_reason = OpportunityStatus.OPEN, None, None
        self.record(OpportunityReopened(self.id, target.id, moment, UserId(by)))

    # -- fields -----------------------------------------------------------------------------

    def override_probability(self, probability: Decimal | int | str) -> None:
        """Set the probability by hand (0..100); it lasts until the stage changes or is cleared."""
        value = _percent(probability)
        self._require_open("override its probability")
        self.probability_override = value

    def clear_probability_override(self) -> None:
        """Go back to the stage's default probability."""
        self.probability_override = None

    def _set_required(self, pipeline: Pipeline, field: RequiredField, value: Any) -> None:
        self._check_pipeline(pipeline)
        missing = self._missing(pipeline.stage(self.stage_id), **{field.value: value})
        if missing:
            raise ValidationError(missing)

    def set_amount(self, pipeline: Pipeline, amount: Money | None) -> None:
        """Change the amount; a negative one, or unsetting one the stage requires, is refused."""
        if amount is not None and amount.is_negative:
            raise ValidationError.field("amount", amount, "must not be negative")
        self._set_required(pipeline, RequiredField.AMOUNT, amount)
        self.amount = amount

    def set_expected_close(self, pipeline: Pipeline, day: date | None) -> None:
        """Change the expected close date (unsetting one the stage requires is refused)."""
        if day is not None and (not isinstance(day, date) or isinstance(day, datetime)):
            raise ValidationError.field("expected_close", day, "must be a date")
        self._set_required(pipeline, RequiredField.EXPECTED_CLOSE, day)
        self.expected_close = day

    def set_next_step(self, pipeline: Pipeline, text: str | None) -> None:
        """Change the next step (unsetting one the stage requires is refused)."""
        self._set_required(pipeline, RequiredField.NEXT_STEP, text)
        self.next_step = text

    def set_contact(self, pipeline: Pipeline, contact_id: str | None) -> None:
        """Change the contact person (unsetting one the stage requires is refused)."""
        self._set_required(pipeline, RequiredField.CONTACT, contact_id)
        self.contact_id = ContactId(contact_id) if contact_id else None

    def reassign(self, owner_id: str) -> None:
        """Hand the deal to another owner."""
        self.owner_id = UserId(_non_blank_text(owner_id, "owner_id"))

    def record_activity(self, at: datetime) -> None:
        """Note a call, visit or email: it keeps the deal from counting as stale."""
        moment = _utc(at)
        if self.last_activity_at is None or moment > self.last_activity_at:
            self.last_activity_at = moment


# -- leads ----------------------------------------------------------------------------------


@attrs.define(eq=False)
class Lead(Aggregate):
    """Someone who may become a customer, captured with where they came from.

    A lead is qualified or disqualified (with a reason), and a qualified or new lead is
    converted into an account, a contact and an opportunity (see the pipeline services).
    """

    kind = "lead"

    id: LeadId = attrs.field(validator=non_blank)
    company: str = attrs.field(validator=non_blank)
    contact_name: str = attrs.field(validator=non_blank)
    source: str = attrs.field(validator=non_blank)
    captured_at: datetime = attrs.field(converter=_utc)
    campaign: str | None = None
    owner_id: UserId | None = None
    email: str | None = attrs.field(default=None, validator=optional(email))
    phone: str | None = None
    vat_number: str | None = None
    country: str | None = attrs.field(default=None, validator=optional(country_code))
    postal_code: str = ""
    city: str = ""
    status: LeadStatus = attrs.field(default=LeadStatus.NEW, converter=_to_lead_status)
    disqualified_reason: str | None = None
    account_id: AccountId | None = None
    contact_id: ContactId | None = None
    opportunity_id: OpportunityId | None = None

    def _require(self, allowed: set[LeadStatus], action: str) -> None:
        if self.status not in allowed:
            raise PolicyViolation(
                f"lead {self.id} is {self.status}: cannot {action}",
                {"lead_id": self.id, "status": self.status.value},
            )

    def assign(self, owner_id: str) -> None:
        """Give the lead to a person to work on."""
        self.owner_id = UserId(_non_blank_text(owner_id, "owner_id"))

    def qualify(self, *, at: datetime, by: str) -> None:
        """Mark the lead as worth pursuing."""
        self._require({LeadStatus.NEW}, "qualify it")
        self.status = LeadStatus.QUALIFIED
        self.record(LeadQualified(self.id, _utc(at), UserId(by)))

    def disqualify(self, reason: str, *, at: datetime, by: str) -> None:
        """Drop the lead; `reason` is required."""
        text = _non_blank_text(reason, "reason")
        self._require({LeadStatus.NEW, LeadStatus.QUALIFIED}, "disqualify it")
        self.status, self.disqualified_reason = LeadStatus.DISQUALIFIED, text
        self.record(LeadDisqualified(self.id, text, _utc(at), UserId(by)))

    def check_convertible(self) -> None:
        """Raise `PolicyViolation` unless the lead is new or qualified."""
        self._require({LeadStatus.NEW, LeadStatus.QUALIFIED}, "convert it")

    def mark_converted(
        self,
        *,
        account_id: str,
        contact_id: str,
        opportunity_id: str,
        new_account: bool,
        at: datetime,
        by: str,
    ) -> None:
        """Record what the lead became."""
        self.check_convertible()
        self.status = LeadStatus.CONVERTED
        self.account_id = AccountId(account_id)
        self.contact_id = ContactId(contact_id)
        self.opportunity_id = OpportunityId(opportunity_id)
        self.record(
            LeadConverted(
                self.id,
                self.account_id,
                self.contact_id,
                self.opportunity_id,
                new_account,
                _utc(at),
                UserId(by),
            )
        )

    def as_account(self, account_id: str, *, currency: str = "EUR") -> Account:
        """A prospect account built from the lead (for duplicate detection or creation)."""
        sites = []
        if self.country:
            address = Address(self.country, postal_code=self.postal_code, city=self.city)
            sites.append(Site(SiteId(f"{account_id}-bill"), SiteRole.BILL_TO, address))
        return Account(
            id=AccountId(account_id),
            name=self.company,
            vat_number=self.vat_number,
            currency=currency,
            sites=sites,
        )

    def as_contact(self, contact_id: str) -> Contact:
        """The lead's person as an account contact."""
        return Contact(ContactId(contact_id), self.contact_name, email=self.email, phone=self.phone)
