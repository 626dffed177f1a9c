"""Pricing use cases: save and delete price lists, build a pricer, issue and reprice quotes.

Every function that changes something does it in one transaction: a list that fails
validation, or a quote that cannot be priced, leaves the repositories exactly as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from wholesale_crm.errors import RuleError
from wholesale_crm.ids import AccountId, PriceListId, QuoteId
from wholesale_crm.pricing.exchange import ExchangeRate, ExchangeRates
from wholesale_crm.pricing.model import PriceList
from wholesale_crm.pricing.pricer import Pricer, QuantityLike
from wholesale_crm.pricing.quotes import LineChange, Quote, quote_for, reprice
from wholesale_crm.pricing.validation import validate_price_list
from wholesale_crm.repositories import UnitOfWork
from wholesale_crm.repositories.accounts import ACCOUNTS
from wholesale_crm.repositories.catalog import CATEGORIES, PRODUCTS
from wholesale_crm.repositories.pricing import PRICE_LISTS, QUOTES

__all__ = [
    "delete_price_list",
    "issue_quote",
    "load_pricer",
    "reprice_quote",
    "save_price_list",
]


def save_price_list(uow: UnitOfWork, price_list: PriceList) -> PriceList:
    """Validate a new or changed price list against the stored lists and catalogue, and save it.

    A list with `version` 0 is added; a loaded list is saved (optimistically).

    Raises:
        RuleError: rules that tie, overlapping tiers, a cycle through base lists.
        ValidationError: unknown products, categories or base list; a currency mismatch.
        ConcurrencyConflict: the list was changed since it was loaded.
    """
    with uow:
        lists = uow.repository(PRICE_LISTS)
        by_id: dict[str, PriceList] = {p.id: p for p in lists}
        by_id[price_list.id] = price_list
        validate_price_list(
            price_list,
            lists=by_id,
            product_ids=uow.repository(PRODUCTS),
            category_ids=uow.repository(CATEGORIES),
        )
        if price_list.version == 0:
            lists.add(price_list)
        else:
            lists.save(price_list)
        uow.commit()
    return price_list


def delete_price_list(uow: UnitOfWork, price_list_id: PriceListId) -> None:
    """Delete a price list that no other list chains to.

    Raises:
        NotFound: no such list.
        RuleError: other lists use it as their base list (named in `ids`).
    """
    with uow:
        lists = uow.repository(PRICE_LISTS)
        doomed = lists.get(price_list_id)
        users = [p.id for p in lists.find("base_list", price_list_id)]
        if users:
            raise RuleError(
                f"price list {price_list_id} is the base list of {', '.join(users)}", users
            )
        lists.delete(doomed)
        uow.commit()


def load_pricer(
    uow: UnitOfWork,
    *,
    rates: ExchangeRates | Iterable[ExchangeRate] = (),
    territories: Mapping[str, str] | None = None,
) -> Pricer:
    """A `Pricer` over every stored price list, category and account.

    Args:
        uow: The unit of work to read from.
        rates: Exchange rates for lists and products in other currencies.
        territories: Each account's territory, when territory lists apply.
    """
    with uow:
        return Pricer(
            uow.repository(PRICE_LISTS).list(),
            categories=uow.repository(CATEGORIES).list(),
            accounts=uow.repository(ACCOUNTS).list(),
            rates=rates,
            territories=territories,
        )


def issue_quote(
    uow: UnitOfWork,
    pricer: Pricer,
    account_id: AccountId,
    items: Iterable[tuple[str, QuantityLike]],
    *,
    on: date,
    at: datetime,
    quote_id: QuoteId,
    valid_until: date | None = None,
) -> Quote:
    """Price `items` (product id, quantity) for the account on `on`, issue and store the quote.

    `QuoteIssued` is published after the commit.

    Raises:
        NotFound: the account or a product does not exist.
        RuleError: a product has no price for the account.
        DuplicateRecord: a quote with that id exists.
    """
    with uow:
        account = uow.repository(ACCOUNTS).get(account_id)
        products = uow.repository(PRODUCTS)
        lines = [(products.get(product_id), quantity) for product_id, quantity in items]
        quote = quote_for(pricer, account, lines, on=on, quote_id=quote_id)
        quote.issue(at=at, valid_until=valid_until)
        uow.repository(QUOTES).add(quote)
        uow.commit()
    return quote


def reprice_quote(
    uow: UnitOfWork, pricer: Pricer, quote_id: QuoteId, *, on: date
) -> list[LineChange]:
    """Price a stored quote's lines again on `on` and return the per-line diff (read only)."""
    with uow:
        quote = uow.repository(QUOTES).get(quote_id)
        account = uow.repository(ACCOUNTS).get(quote.account_id)
        products = uow.repository(PRODUCTS)
        by_id = {line.product_id: products.get(line.product_id) for line in quote.lines}
    return reprice(quote, pricer=pricer, account=account, products=by_id, on=on)
