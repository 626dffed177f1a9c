"""Merging a duplicate account into the account that survives.

What moves, and what happens on a clash:

- **contacts**: all of them, current or gone (a merge never loses a contact). A contact id the
  survivor already uses is renamed `"<merged id>/<contact id>"`. The survivor keeps its primary
  contact; a moved primary stays primary only when the survivor has none.
- **sites**: all of them. A site with the same id, role and address as one of the survivor's is
  the same place and is kept once; a site id already used for another place is renamed
  `"<merged id>/<site id>"`. The survivor keeps its default sites; a moved default stays
  default only when the survivor has no default of that role.
- **tags**: the union. **attributes**: the survivor's value wins a key both have; the
  duplicate's keys the survivor lacks move over.
- **profile fields** the survivor leaves empty (legal name, VAT number, customer group,
  industry, segment, tier, payment terms, credit limit in the same currency) are filled from
  the duplicate;
  `strategic` and `shares_credit_with_group` are kept if either account has them.
- **hierarchy**: children of the duplicate move under the survivor; if the survivor was itself
  under the duplicate, it takes the duplicate's parent.
- `merged_ids` of the survivor records the duplicate's id (and the ids it had absorbed).

Renamed ids are reported in `MergeResult` and in the `AccountsMerged` event so that records
elsewhere (orders shipped to a site) can follow them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from wholesale_crm.accounts.model import (
    Account,
    AccountsMerged,
    AccountStatus,
    Contact,
    Site,
    SiteRole,
)
from wholesale_crm.errors import ValidationError
from wholesale_crm.ids import AccountId, ContactId, SiteId

__all__ = ["MergeResult", "merge"]

_FILLABLE = (
    "legal_name",
    "vat_number",
    "customer_group",
    "industry",
    "segment",
    "tier",
    "payment_terms",
)


@attrs.frozen
class MergeResult:
    """What a merge did.

    Attributes:
        survivor_id: The account that remains.
        merged_id: The account merged into it, to be deleted.
        moved_contacts: Ids (as they are now) of the contacts that moved.
        moved_sites: Ids (as they are now) of the sites that moved.
        renamed_contacts: `(old id, new id)` of moved contacts whose id clashed.
        renamed_sites: `(old id, new id)` of moved sites whose id clashed.
        reparented: Former children of the merged account, now under the survivor.
        attribute_conflicts: Attribute keys both had with different values (survivor's kept).
    """

    survivor_id: AccountId
    merged_id: AccountId
    moved_contacts: tuple[ContactId, ...] = ()
    moved_sites: tuple[SiteId, ...] = ()
    renamed_contacts: tuple[tuple[ContactId, ContactId], ...] = ()
    renamed_sites: tuple[tuple[SiteId, SiteId], ...] = ()
    reparented: tuple[AccountId, ...] = ()
    attribute_conflicts: tuple[str, ...] = ()


def _free_id(merged_id: str, id: str, taken: set[str]) -> str:
    """`"<merged id>/<id>"`, or with a counter when even that is taken."""
    candidate, n = f"{merged_id}/{id}", 2
    while candidate in taken:
        candidate, n = f"{merged_id}/{id}-{n}", n + 1
    return candidate


def _move_sites(survivor: Account, duplicate: Account) -> tuple[list[Site], list[tuple[str, str]]]:
    taken: set[str] = {s.id for s in survivor.sites}
    has_default = {
        role: any(s.role == role and s.is_default for s in survivor.sites) for role in SiteRole
    }
    moved: list[Site] = []
    renamed: list[tuple[str, str]] = []
    for site in duplicate.sites:
        if site.id in taken:
            mine = survivor.site(site.id)
            if (mine.role, mine.address) == (site.role, site.address):
                continue  # the same place, filed under the same id: keep one
            new_id = _free_id(duplicate.id, site.id, taken)
            renamed.append((site.id, new_id))
            site = attrs.evolve(site, id=SiteId(new_id))
        if site.is_default and has_default[site.role]:
            site = attrs.evolve(site, is_default=False)
        has_default[site.role] = has_default[site.role] or site.is_default
        taken.add(site.id)
        moved.append(site)
    return moved, renamed


def _move_contacts(
    survivor: Account, duplicate: Account
) -> tuple[list[Contact], list[tuple[str, str]]]:
    taken: set[str] = {c.id for c in survivor.contacts}
    has_primary = any(c.primary and c.is_current for c in survivor.contacts)
    moved: list[Contact] = []
    renamed: list[tuple[str, str]] = []
    for contact in duplicate.contacts:
        if contact.id in taken:
            new_id = _free_id(duplicate.id, contact.id, taken)
            renamed.append((contact.id, new_id))
            contact = attrs.evolve(contact, id=ContactId(new_id))
        if contact.primary and has_primary:
            contact = attrs.evolve(contact, primary=False)
        has_primary = has_primary or (contact.primary and contact.is_current)
        taken.add(contact.id)
        moved.append(contact)
    return moved, renamed


def merge(
    survivor: Account, duplicate: Account, *, children: Iterable[Account] = (), on: date
) -> MergeResult:
    """Merge `duplicate` into `survivor`, changing `survivor` and `children` in place.

    The caller then deletes `duplicate` and saves `survivor` and `children`, in one unit of
    work (the `merge_accounts` service does this). Records `AccountsMerged` on the survivor and
    `AccountParentChanged` on each re-parented account.

    Args:
        survivor: The account that remains.
        duplicate: The account merged into it.
        children: The accounts whose parent is `duplicate` (others are refused).
        on: The date of the merge, for the event.

    Raises:
        ValidationError: merging an account into itself, into a closed account, or a child
            that is not the duplicate's.
    """
    if survivor.id == duplicate.id:
        raise ValidationError.field("duplicate_id", duplicate.id, "cannot merge into itself")
    if survivor.status is AccountStatus.CLOSED:
        raise ValidationError.field(
            "survivor_id", survivor.id, "is closed: merge into an open account"
        )
    children = [c for c in children if c.id != survivor.id]
    for child in children:
        if child.parent_id != duplicate.id:
            raise ValidationError.field(
                "children", child.id, f"is not a child of {duplicate.id} (parent {child.parent_id})"
            )
    sites, renamed_sites = _move_sites(survivor, duplicate)
    contacts, renamed_contacts = _move_contacts(survivor, duplicate)
    conflicts = sorted(
        k
        for k, v in duplicate.attributes.items()
        if k in survivor.attributes and survivor.attributes[k] != v
    )
    fills = {f: getattr(duplicate, f) for f in _FILLABLE if not getattr(survivor, f)}
    if survivor.credit_limit is None and duplicate.currency == survivor.currency:
        fills["credit_limit"] = duplicate.credit_limit
    fills["strategic"] = survivor.strategic or duplicate.strategic
    fills["shares_credit_with_group"] = (
        survivor.shares_credit_with_group or duplicate.shares_credit_with_group
    )
    survivor.update_profile(fills)
    survivor.sites = [*survivor.sites, *sites]
    survivor.contacts = [*survivor.contacts, *contacts]
    survivor.tag(*duplicate.tags)
    survivor.attributes = {**duplicate.attributes, **survivor.attributes}
    survivor.merged_ids = [*survivor.merged_ids, duplicate.id, *duplicate.merged_ids]
    if survivor.parent_id == duplicate.id:
        survivor.set_parent(duplicate.parent_id)
    for child in children:
        child.set_parent(survivor.id)
    result = MergeResult(
        survivor.id,
        duplicate.id,
        tuple(ContactId(c.id) for c in contacts),
        tuple(SiteId(s.id) for s in sites),
        tuple((ContactId(a), ContactId(b)) for a, b in renamed_contacts),
        tuple((SiteId(a), SiteId(b)) for a, b in renamed_sites),
        tuple(sorted(c.id for c in children)),
        tuple(conflicts),
    )
    survivor.record(
        AccountsMerged(
            survivor.id,
            duplicate.id,
            on,
            result.reparented,
            result.renamed_sites,
            result.renamed_contacts,
        )
    )
    return result
