"""Accounts: the businesses a wholesaler sells to, with their sites, contacts and settings."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs

from wholesale_crm.accounts.terms import PaymentTerms
from wholesale_crm.aggregate import Aggregate
from wholesale_crm.clock import zone
from wholesale_crm.errors import ValidationError
from wholesale_crm.events import Event
from wholesale_crm.ids import AccountId, ContactId, SiteId
from wholesale_crm.money import Money, validate_currency
from wholesale_crm.validation import (
    country_code,
    email,
    enum_value,
    non_blank,
    non_negative,
    optional,
)

__all__ = [
    "ALLOWED_STATUS_MOVES",
    "PROFILE_FIELDS",
    "Account",
    "AccountOpened",
    "AccountParentChanged",
    "AccountProfileUpdated",
    "AccountStatus",
    "AccountStatusChanged",
    "AccountsMerged",
    "Address",
    "Contact",
    "ContactRole",
    "Site",
    "SiteRole",
    "Tier",
    "normalise_vat",
]


class AccountStatus(enum.StrEnum):
    """Where an account is in its life: prospect -> active -> dormant -> closed."""

    PROSPECT = "prospect"
    ACTIVE = "active"
    DORMANT = "dormant"
    CLOSED = "closed"


ALLOWED_STATUS_MOVES: dict[AccountStatus, frozenset[AccountStatus]] = {
    AccountStatus.PROSPECT: frozenset({AccountStatus.ACTIVE, AccountStatus.CLOSED}),
    AccountStatus.ACTIVE: frozenset({AccountStatus.DORMANT, AccountStatus.CLOSED}),
    AccountStatus.DORMANT: frozenset({AccountStatus.ACTIVE, AccountStatus.CLOSED}),
    AccountStatus.CLOSED: frozenset(),
}
"""The status transitions an account may make; a closed account stays closed."""


class Tier(enum.StrEnum):
    """Key-account tier: A gets the most attention."""

    A = "A"
    B = "B"
    C = "C"


class SiteRole(enum.StrEnum):
    """What a site is for: where invoices go, or where goods are delivered."""

    BILL_TO = "bill_to"
    SHIP_TO = "ship_to"


class ContactRole(enum.StrEnum):
    """A contact's part in the relationship."""

    BUYER = "buyer"
    ACCOUNTS_PAYABLE = "accounts_payable"
    OWNER = "owner"
    MANAGER = "manager"
    LOGISTICS = "logistics"
    OTHER = "other"


def _to_site_role(value: object) -> SiteRole:
    return enum_value(SiteRole, value, "role")


def _to_contact_role(value: object) -> ContactRole:
    return enum_value(ContactRole, value, "role")


def _to_account_status(value: object) -> AccountStatus:
    return enum_value(AccountStatus, value, "status")


def _to_tier(value: object) -> Tier:
    return enum_value(Tier, value, "tier")


@attrs.frozen
class AccountStatusChanged(Event):
    """An account moved from one status to another on a date."""

    account_id: AccountId
    old: AccountStatus
    new: AccountStatus
    on: date


@attrs.frozen
class AccountOpened(Event):
    """A new account was added to the CRM on a date."""

    account_id: AccountId
    name: str
    status: AccountStatus
    parent_id: AccountId | None
    on: date


@attrs.frozen
class AccountProfileUpdated(Event):
    """Profile fields of an account changed; `fields` names them, sorted."""

    account_id: AccountId
    fields: tuple[str, ...]


@attrs.frozen
class AccountParentChanged(Event):
    """An account moved under another parent (`None`: it became a top-level account)."""

    account_id: AccountId
    old: AccountId | None
    new: AccountId | None


@attrs.frozen
class AccountsMerged(Event):
    """`merged_id` was merged into `survivor_id` and removed.

    `renamed_sites` and `renamed_contacts` map the merged account's ids that clashed with the
    survivor's to the ids they carry now, so that records pointing at them can follow;
    `reparented` lists the former children of the merged account, now under the survivor.
    """

    survivor_id: AccountId
    merged_id: AccountId
    on: date
    reparented: tuple[AccountId, ...] = ()
    renamed_sites: tuple[tuple[SiteId, SiteId], ...] = ()
    renamed_contacts: tuple[tuple[ContactId, ContactId], ...] = ()


def _upper(value: str) -> str:
    return value.upper() if isinstance(value, str) else value


@attrs.frozen
class Address:
    """A postal address; `country`, `region` and `postal_code` are what territory rules match."""

    country: str = attrs.field(converter=_upper, validator=country_code)
    postal_code: str = ""
    region: str = ""
    city: str = ""
    line1: str = ""
    line2: str = ""


@attrs.frozen
class Site:
    """A bill-to or ship-to location of an account."""

    id: SiteId = attrs.field(validator=non_blank)
    role: SiteRole = attrs.field(converter=_to_site_role)
    address: Address
    name: str = ""
    is_default: bool = False


@attrs.frozen
class Contact:
    """A person at the account. A contact who left keeps their place in history (`left_on`)."""

    id: ContactId = attrs.field(validator=non_blank)
    name: str = attrs.field(validator=non_blank)
    role: ContactRole = attrs.field(default=ContactRole.BUYER, converter=_to_contact_role)
    email: str | None = attrs.field(default=None, validator=optional(email))
    phone: str | None = None
    primary: bool = False
    left_on: date | None = None

    @property
    def is_current(self) -> bool:
        """True while the contact still works with the account."""
        return self.left_on is None


_VAT_SEPARATORS = re.compile(r"[\s.\-/]")
_VAT_SHAPE = re.compile(r"^[A-Z0-9]{4,16}$")


def normalise_vat(value: str | None) -> str | None:
    """A VAT number in one canonical spelling: upper case, no spaces, dots, dashes or slashes.

    `"gb 123 4567 89"` and `"GB123456789"` are the same number; `None` and blanks give `None`.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError.field("vat_number", value, "must be a string")
    canonical = _VAT_SEPARATORS.sub("", value).upper()
    if not canonical:
        return None
    if not _VAT_SHAPE.match(canonical):
        raise ValidationError.field(
            "vat_number", value, "must be 4 to 16 letters and digits (spaces, dots, dashes allowed)"
        )
    return canonical


def _currency(_: object, __: object, value: str) -> None:
    validate_currency(value)


def _timezone(_: object, __: object, value: str) -> None:
    zone(value)


def _locale(_: object, __: object, value: str) -> None:
    import babel

    try:
        babel.Locale.parse(value)
    except (ValueError, TypeError, babel.UnknownLocaleError):
        raise ValidationError.field("locale", value, "is not a known locale") from None


@attrs.define(eq=False)
class Account(Aggregate):
    """A customer business: identity, status, hierarchy, sites, contacts and sales settings.

    Change it through its methods: they enforce the invariants (one default site per role,
    one primary contact, allowed status moves) and record events.
    """

    kind = "account"

    id: AccountId = attrs.field(validator=non_blank)
    name: str = attrs.field(validator=non_blank)
    legal_name: str = ""
    vat_number: str | None = attrs.field(default=None, converter=normalise_vat)
    status: AccountStatus = attrs.field(
        default=AccountStatus.PROSPECT, converter=_to_account_status
    )
    customer_group: str | None = None
    industry: str | None = None
    segment: str | None = None
    tags: list[str] = attrs.Factory(list)
    currency: str = attrs.field(default="EUR", validator=_currency)
    locale: str = attrs.field(default="en_GB", validator=_locale)
    timezone: str = attrs.field(default="UTC", validator=_timezone)
    tier: Tier | None = attrs.field(default=None, converter=attrs.converters.optional(_to_tier))
    strategic: bool = False
    parent_id: AccountId | None = None
    credit_limit: Money | None = attrs.field(default=None, validator=optional(non_negative))
    shares_credit_with_group: bool = False
    payment_terms: PaymentTerms | None = None
    sites: list[Site] = attrs.Factory(list)
    contacts: list[Contact] = attrs.Factory(list)
    attributes: dict[str, str] = attrs.Factory(dict)
    merged_ids: list[AccountId] = attrs.Factory(list)

    def __attrs_post_init__(self) -> None:
        self.tags = sorted(set(self.tags))
        for role in SiteRole:
            defaults = [s.id for s in self.sites if s.role == role and s.is_default]
            if len(defaults) > 1:
                raise ValidationError.field("sites", defaults, f"more than one default {role}")
        primaries = [c.id for c in self.contacts if c.primary and c.is_current]
        if len(primaries) > 1:
            raise ValidationError.field("contacts", primaries, "more than one primary contact")
        if self.parent_id == self.id:
            raise ValidationError.field(
                "parent_id", self.parent_id, "an account cannot parent itself"
            )
        if self.credit_limit is not None and self.credit_limit.currency != self.currency:
            raise ValidationError.field(
                "credit_limit",
                str(self.credit_limit),
                f"must be in the account's currency {self.currency}",
            )
        for key in self.attributes:
            if not isinstance(key, str) or not key.strip():
                raise ValidationError.field("attributes", key, "keys must be non-empty strings")

    # -- lifecycle and profile --------------------------------------------------------------

    def mark_opened(self, *, on: date) -> None:
        """Record `AccountOpened`: the account enters the CRM on `on` (services call this)."""
        self.record(AccountOpened(self.id, self.name, self.status, self.parent_id, on))

    def update_profile(self, changes: Mapping[str, Any]) -> None:
        """Change several profile fields at once, all or nothing.

        Only the fields in `PROFILE_FIELDS` may change this way: the status, the parent, sites,
        contacts and tags have their own methods because they carry more rules. Every value is
        validated as at construction before any is applied, so a bad value leaves the account
        as it was. Records `AccountProfileUpdated` naming the fields that really changed.

        Raises:
            ValidationError: an unknown or protected field name, or a bad value (named).
        """
        for name in changes:
            if name not in PROFILE_FIELDS:
                allowed = ", ".join(sorted(PROFILE_FIELDS))
                raise ValidationError.field(
                    name, changes[name], f"is not a profile field; profile fields are: {allowed}"
                )
        terms = changes.get("payment_terms")
        if terms is not None and not isinstance(terms, PaymentTerms):
            raise ValidationError.field(
                "payment_terms", terms, "must be payment terms (NetDays, EndOfMonth, ...) or None"
            )
        # Build a full copy first: it runs every converter, validator and invariant check.
        candidate = attrs.evolve(self, **changes)
        changed = sorted(n for n in changes if getattr(candidate, n) != getattr(self, n))
        for name in changed:
            object.__setattr__(self, name, getattr(candidate, name))
        if changed:
            self.record(AccountProfileUpdated(self.id, tuple(changed)))

    def set_parent(self, parent_id: AccountId | None) -> None:
        """Put the account under `parent_id` (or at the top with `None`).

        The account alone cannot see the rest of the hierarchy: callers check that the parent
        exists and that no cycle forms (`accounts.hierarchy.check_parent`) before calling this.
        Records `AccountParentChanged` when the parent really changes.
        """
        if parent_id is not None and (not isinstance(parent_id, str) or not parent_id.strip()):
            raise ValidationError.field("parent_id", parent_id, "must be a non-empty id or None")
        if parent_id == self.id:
            raise ValidationError.field("parent_id", parent_id, "an account cannot parent itself")
        if parent_id == self.parent_id:
            return
        old, self.parent_id = self.parent_id, parent_id
        self.record(AccountParentChanged(self.id, old, parent_id))

    def set_attribute(self, key: str, value: str) -> None:
        """Set a free attribute (`"delivery_window"`: `"06:00-09:00"`)."""
        if not isinstance(key, str) or not key.strip():
            raise ValidationError.field("attributes", key, "keys must be non-empty strings")
        if not isinstance(value, str):
            raise ValidationError.field(f"attributes.{key}", value, "must be a string")
        self.attributes[key] = value

    # -- status -----------------------------------------------------------------------------

    def change_status(self, new: AccountStatus | str, *, on: date) -> None:
        """Move to `new` if the lifecycle allows it, recording `AccountStatusChanged`."""
        target = enum_value(AccountStatus, new, "status")
        if target not in ALLOWED_STATUS_MOVES[self.status]:
            raise ValidationError.field(
                "status", target.value, f"an account cannot go from {self.status} to {target}"
            )
        old, self.status = self.status, target
        self.record(AccountStatusChanged(self.id, old, target, on))

    # -- sites ------------------------------------------------------------------------------

    def site(self, site_id: str) -> Site:
        """The site with `site_id`; `ValidationError` if the account has none such."""
        for site in self.sites:
            if site.id == site_id:
                return site
        raise ValidationError.field("site_id", site_id, f"is not a site of account {self.id}")

    def default_site(self, role: SiteRole | str) -> Site | None:
        """The default site of `role` (the only one when there is just one), else `None`."""
        of_role = [s for s in self.sites if s.role == SiteRole(role)]
        defaults = [s for s in of_role if s.is_default]
        if defaults:
            return defaults[0]
        return of_role[0] if len(of_role) == 1 else None

    def add_site(self, site: Site) -> None:
        """Add a site; a new default of its role takes over from the old default."""
        if any(s.id == site.id for s in self.sites):
            raise ValidationError.field("site.id", site.id, f"already a site of {self.id}")
        if site.is_default:
            self.sites = [
                attrs.evolve(s, is_default=False) if s.role == site.role else s for s in self.sites
            ]
        self.sites.append(site)

    # -- contacts ---------------------------------------------------------------------------

    @property
    def current_contacts(self) -> list[Contact]:
        """Contacts who have not left."""
        return [c for c in self.contacts if c.is_current]

    def contact(self, contact_id: str) -> Contact:
        """The contact with `contact_id`; `ValidationError` if the account has none such."""
        for contact in self.contacts:
            if contact.id == contact_id:
                return contact
        raise ValidationError.field("contact_id", contact_id, f"is not a contact of {self.id}")

    def add_contact(self, contact: Contact) -> None:
        """Add a contact; a new primary contact takes over from the old one."""
        if any(c.id == contact.id for c in self.contacts):
            raise ValidationError.field("contact.id", contact.id, f"already a contact of {self.id}")
        if contact.primary:
            self.contacts = [attrs.evolve(c, primary=False) for c in self.contacts]
        self.contacts.append(contact)

    def contact_left(self, contact_id: str, *, on: date) -> None:
        """Mark a contact as gone on `on`; they stay in the account's history."""
        for i, c in enumerate(self.contacts):
            if c.id == contact_id:
                self.contacts[i] = attrs.evolve(c, left_on=on, primary=False)
                return
        raise ValidationError.field("contact_id", contact_id, f"is not a contact of {self.id}")

    # -- tags -------------------------------------------------------------------------------

    def tag(self, *tags: str) -> None:
        """Add tags (kept sorted and unique)."""
        for tag in tags:
            if not isinstance(tag, str) or not tag.strip():
                raise ValidationError.field("tags", tag, "must be a non-empty string")
        self.tags = sorted(set(self.tags) | set(tags))

    def untag(self, *tags: str) -> None:
        """Remove tags."""
        self.tags = sorted(set(self.tags) - set(tags))


PROFILE_FIELDS: frozenset[str] = frozenset(
    {
        "name",
        "legal_name",
        "vat_number",
        "customer_group",
        "industry",
        "segment",
        "currency",
        "locale",
        "timezone",
        "tier",
        "strategic",
        "credit_limit",
        "shares_credit_with_group",
        "payment_terms",
    }
)
"""Fields `Account.update_profile` may change; the rest have methods with their own rules."""
