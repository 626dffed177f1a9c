"""The pipeline collections and the indexes their queries use.

=================  ==================  ====================================================
collection         index               keys
=================  ==================  ====================================================
`pipelines`        (none)
`leads`            `status`            the status value (`"new"`, `"qualified"`, ...)
`leads`            `owner`             the owner's user id (unowned leads are not filed)
`leads`            `source`            where the lead came from (`"trade fair"`)
`opportunities`    `account`           the account id
`opportunities`    `owner`             the owner's user id
`opportunities`    `pipeline`          the pipeline id
`opportunities`    `stage`             `"<pipeline id>/<stage id>"` of the current stage
`opportunities`    `status`            `"open"`, `"won"` or `"lost"`
`opportunities`    `expected_close`    expected close date of open deals (ordered)
`opportunities`    `closed_on`         close date of won and lost deals (ordered)
=================  ==================  ====================================================
"""

from __future__ import annotations

from wholesale_crm.pipeline.model import Lead, Opportunity, Pipeline
from wholesale_crm.repositories import Collection, Index

__all__ = ["LEADS", "OPPORTUNITIES", "PIPELINES"]

PIPELINES: Collection[Pipeline] = Collection("pipelines", Pipeline)
"""Pipelines and their stages, by id."""

LEADS: Collection[Lead] = Collection(
    "leads",
    Lead,
    (
        Index("status", lambda lead: [lead.status.value]),
        Index("owner", lambda lead: [lead.owner_id] if lead.owner_id else []),
        Index("source", lambda lead: [lead.source]),
    ),
)
"""Leads, by id."""

OPPORTUNITIES: Collection[Opportunity] = Collection(
    "opportunities",
    Opportunity,
    (
        Index("account", lambda o: [o.account_id]),
        Index("owner", lambda o: [o.owner_id]),
        Index("pipeline", lambda o: [o.pipeline_id]),
        Index("stage", lambda o: [f"{o.pipeline_id}/{o.stage_id}"]),
        Index("status", lambda o: [o.status.value]),
        Index(
            "expected_close",
            lambda o: [o.expected_close] if o.is_open and o.expected_close else [],
            ordered=True,
        ),
        Index("closed_on", lambda o: [o.closed_on] if o.closed_on else [], ordered=True),
    ),
)
"""Opportunities with their stage history, by id."""
