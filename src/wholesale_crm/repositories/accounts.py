"""The accounts collection and the indexes its queries use.

==================  ==================================================================
index               keys
==================  ==================================================================
`parent`            the parent's id (top-level accounts are not filed)
`customer_group`    the customer group
`tier`              the key-account tier value (`"A"`, `"B"`, `"C"`)
`status`            the status value (`"prospect"`, `"active"`, ...)
`tag`               each tag
`name_token`        each normalised name token (ordered: prefix search by range)
`duplicate_key`     the duplicate-screening blocking keys (`accounts.duplicates`)
==================  ==================================================================
"""

from __future__ import annotations

from wholesale_crm.accounts.duplicates import blocking_keys, name_tokens
from wholesale_crm.accounts.model import Account
from wholesale_crm.repositories import Collection, Index

__all__ = ["ACCOUNTS"]

ACCOUNTS: Collection[Account] = Collection(
    "accounts",
    Account,
    (
        Index("parent", lambda a: [a.parent_id] if a.parent_id else []),
        Index("customer_group", lambda a: [a.customer_group] if a.customer_group else []),
        Index("tier", lambda a: [a.tier.value] if a.tier else []),
        Index("status", lambda a: [a.status.value]),
        Index("tag", lambda a: a.tags),
        Index("name_token", lambda a: name_tokens(a.name), ordered=True),
        Index("duplicate_key", blocking_keys),
    ),
)
"""Accounts, by id, with the indexes listed in the module docstring."""
