"""Which price lists apply to an account, in which order: the chain, in one place.

For an account on a date, the chain is, from first consulted to last:

1. the account's **contracts** (lists of kind `contract` for the account);
2. **promotions** for the account, then the account's **own list** (kind `account`);
3. the same three for its **parent account**, then the parent's parent, and so on up the
   hierarchy, unless an account's own list says `inherit_parent=False`, which stops the
   climb at that account;
4. promotions for the account's **customer group**, then the **group list**;
5. promotions for the account's **territory**, then the **territory list** (only when the
   caller says which territory the account is in);
6. promotions for **everyone**;
7. the **base list(s)**.

Within one step, lists are ordered by `priority` (higher first), then by id. Lists not valid
on the date stay in the chain, marked inactive, so an explanation can say why they were
passed over. Pricing walks the chain and stops at the first list with a rule that applies
(`pricing.engine`); a list with no applicable rule falls through to the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import attrs

from wholesale_crm.accounts.model import Account
from wholesale_crm.errors import RuleError
from wholesale_crm.ids import AccountId, TerritoryId
from wholesale_crm.pricing.model import ListKind, PriceList

__all__ = ["ChainLink", "ListDirectory"]


@attrs.frozen
class ChainLink:
    """One list in an account's chain, with the step that put it there."""

    price_list: PriceList = attrs.field(eq=False)
    step: str
    """Why the list is in the chain ("contract of ACC-1", "group horeca")."""
    active: bool
    """False when the list is not valid on the pricing date (it is skipped)."""

    def __str__(self) -> str:
        state = "" if self.active else ", not valid on the date"
        return f"{self.price_list.id} ({self.step}{state})"


AccountLookup = Callable[[AccountId], Account | None]
"""Finds an account by id (for parent accounts); `None` when it is not known."""


class ListDirectory:
    """Price lists filed by kind and audience, ready to build chains."""

    def __init__(self, lists: Iterable[PriceList]) -> None:
        self._filed: dict[tuple[ListKind, str, str | None], list[PriceList]] = {}
        for plist in lists:
            self._filed.setdefault((plist.list_kind, *plist.audience), []).append(plist)
        for filed in self._filed.values():
            filed.sort(key=lambda p: (-p.priority, p.id))
        # Links are values: one per (list, step, active) serves every chain that has it, so
        # chains built for thousands of orders share them (at most four per list).
        self._links: dict[tuple[str, str, bool], ChainLink] = {}

    def _of(self, kind: ListKind, field: str, value: str | None = None) -> list[PriceList]:
        return self._filed.get((kind, field, value), [])

    def chain(
        self,
        account: Account,
        on: date,
        *,
        accounts: AccountLookup = lambda _: None,
        territory: TerritoryId | None = None,
    ) -> list[ChainLink]:
        """The chain of lists for `account` on `on`, first consulted first (module docs).

        Args:
            account: The account being priced.
            on: The pricing date; decides which lists are active and whether an account
                list opts out of inheritance.
            accounts: Looks up parent accounts; the climb stops at an unknown parent.
            territory: The account's territory, when territory lists should apply.

        Raises:
            RuleError: the account hierarchy has a cycle.
        """
        links: list[ChainLink] = []

        def add(kind: ListKind, field: str, value: str | None, step: str) -> None:
            for plist in self._of(kind, field, value):
                key = (plist.id, step, plist.valid.contains(on))
                link = self._links.get(key)
                if link is None:
                    link = self._links[key] = ChainLink(plist, step, key[2])
                links.append(link)

        current: Account | None = account
        seen: list[AccountId] = []
        while current is not None:
            if current.id in seen:
                raise RuleError(f"account hierarchy cycle through {current.id}", seen)
            seen.append(current.id)
            whose = (
                f"account {current.id}" if current is account else f"parent account {current.id}"
            )
            add(ListKind.CONTRACT, "account", current.id, f"contract of {whose}")
            add(ListKind.PROMOTION, "account", current.id, f"promotion for {whose}")
            add(ListKind.ACCOUNT, "account", current.id, f"list of {whose}")
            opted_out = any(
                not p.inherit_parent and p.valid.contains(on)
                for p in self._of(ListKind.ACCOUNT, "account", current.id)
            )
            if opted_out or current.parent_id is None:
                break
            current = accounts(current.parent_id)
        group = account.customer_group
        if group:
            add(ListKind.PROMOTION, "group", group, f"promotion for group {group}")
            add(ListKind.GROUP, "group", group, f"group {group}")
        if territory is not None:
            add(ListKind.PROMOTION, "territory", territory, f"promotion for territory {territory}")
            add(ListKind.TERRITORY, "territory", territory, f"territory {territory}")
        add(ListKind.PROMOTION, "everyone", None, "promotion for everyone")
        add(ListKind.BASE, "everyone", None, "base list")
        return links
