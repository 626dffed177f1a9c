"""The pricing collections: price lists and quotes, with the indexes their queries use.

==================  ==================================================================
index               keys
==================  ==================================================================
`list_kind`         price lists: the kind value (`"base"`, `"contract"`, ...)
`audience`          price lists: `"account:<id>"`, `"group:<name>"`, `"territory:<id>"`
`base_list`         price lists: the id of the list it chains to (none: not filed)
`account`           quotes: the account's id
`priced_on`         quotes: the pricing date (ordered: date ranges)
==================  ==================================================================
"""

from __future__ import annotations

from wholesale_crm.pricing.model import PriceList
from wholesale_crm.pricing.quotes import Quote
from wholesale_crm.repositories import Collection, Index

__all__ = ["PRICE_LISTS", "QUOTES", "audience_key"]


def audience_key(price_list: PriceList) -> list[str]:
    """The `audience` index keys of a list (none for a list for everyone)."""
    label, value = price_list.audience
    return [f"{label}:{value}"] if value else []


PRICE_LISTS: Collection[PriceList] = Collection(
    "price_lists",
    PriceList,
    (
        Index("list_kind", lambda p: [p.list_kind.value]),
        Index("audience", audience_key),
        Index("base_list", lambda p: [p.base_list_id] if p.base_list_id else []),
    ),
)
"""Price lists by id, with the indexes listed in the module docstring."""

QUOTES: Collection[Quote] = Collection(
    "quotes",
    Quote,
    (
        Index("account", lambda q: [q.account_id]),
        Index("priced_on", lambda q: [q.priced_on], ordered=True),
    ),
)
"""Quotes by id, with the indexes listed in the module docstring."""
