"""Quotes: frozen lines with explanations, totals, terms, babel formatting, issue, reprice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.accounts.terms import EarlyPaymentDiscount, NetDays
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.errors import PolicyViolation, ValidationError
from wholesale_crm.money import Money
from wholesale_crm.periods import DateRange
from wholesale_crm.pricing.model import PriceList, PriceRule
from wholesale_crm.pricing.pricer import Pricer
from wholesale_crm.pricing.quotes import Quote, QuoteIssued, QuoteStatus, quote_for, reprice
from wholesale_crm.serialization import from_dict, to_dict

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TERMS = NetDays(30, EarlyPaymentDiscount(2, 10))


@pytest.fixture
def pricer(
    categories: tuple[Category, ...],
    plist: Callable[..., PriceList],
    fixed: Callable[..., PriceRule],
    base_list: Callable[..., PriceList],
) -> Pricer:
    """A spring promotion on COLA (3.20 until April), over the base list."""
    spring = fixed("SPRING", "COLA", "3.20", valid=DateRange(None, date(2026, 4, 1)))
    return Pricer([plist("PROMO", "promotion", spring), base_list()], categories=categories)


@pytest.fixture
def customer(account: Callable[..., Account]) -> Account:
    """ACC1, German-speaking, on net 30 with 2% off within 10 days."""
    return account(locale="de_DE", payment_terms=TERMS)


@pytest.fixture
def make_quote(
    on: date, products: dict[str, Product], pricer: Pricer, customer: Account
) -> Callable[[], Quote]:
    """A fresh draft quote Q-1 for 24 COLA and 10 CHIPS on the test date."""

    def make() -> Quote:
        items = [(products["COLA"], 24), (products["CHIPS"], 10)]
        return quote_for(pricer, customer, items, on=on, quote_id="Q-1")

    return make


def test_a_quote_freezes_prices_explanations_and_terms(
    eur: Callable[[str], Money], make_quote: Callable[[], Quote]
) -> None:
    quote = make_quote()
    assert [(line.product_id, line.unit_price, line.line_total) for line in quote.lines] == [
        ("COLA", eur("3.20"), eur("76.80")),
        ("CHIPS", eur("2.50"), eur("25.00")),
    ]
    assert quote.total == eur("101.80")
    assert quote.lines[0].explanation.rule_id == "SPRING"
    assert (quote.currency, quote.locale, quote.payment_terms) == ("EUR", "de_DE", TERMS)
    assert quote.status is QuoteStatus.DRAFT


def test_a_quote_is_formatted_in_the_accounts_locale(make_quote: Callable[[], Quote]) -> None:
    quote = make_quote()
    quote.issue(at=AT, valid_until=date(2026, 3, 31))
    text = quote.format()
    assert "priced on 2. März 2026" in text
    assert "76,80\xa0€" in text
    assert "101,80\xa0€" in text
    assert "Payment terms: 2% 10 days, net 30" in text
    assert "Valid until 31. März 2026" in text


def test_issuing_records_an_event_once(
    eur: Callable[[str], Money], make_quote: Callable[[], Quote]
) -> None:
    quote = make_quote()
    quote.issue(at=AT, valid_until=date(2026, 3, 31))
    assert quote.pull_events() == [QuoteIssued("Q-1", "ACC1", eur("101.80"), AT, date(2026, 3, 31))]
    with pytest.raises(PolicyViolation, match="already issued"):
        quote.issue(at=AT)


def test_issuing_refuses_bad_input(
    on: date, eur: Callable[[str], Money], make_quote: Callable[[], Quote]
) -> None:
    with pytest.raises(ValidationError, match="timezone"):
        make_quote().issue(at=datetime(2026, 3, 2, 9, 30))
    with pytest.raises(ValidationError, match="must not precede"):
        make_quote().issue(at=AT, valid_until=date(2026, 3, 1))
    empty = Quote("Q-2", "ACC1", "EUR", "en_GB", on)
    with pytest.raises(PolicyViolation, match="no lines"):
        empty.issue(at=AT)
    assert empty.total == eur("0")


def test_reprice_gives_a_per_line_diff(
    eur: Callable[[str], Money],
    products: dict[str, Product],
    make_quote: Callable[[], Quote],
    customer: Account,
    pricer: Pricer,
) -> None:
    quote = make_quote()
    changes = reprice(
        quote, pricer=pricer, account=customer, products=products, on=date(2026, 4, 1)
    )  # type: ignore[arg-type]
    cola, chips = changes
    assert (cola.changed, cola.rule_changed, cola.difference) == (True, True, eur("0.80"))
    assert str(cola) == "line 1 COLA: 3.20 EUR -> 4.00 EUR (PROMO/SPRING -> BASE/LIST)"
    assert (chips.changed, chips.rule_changed) == (False, False)
    assert str(chips) == "line 2 CHIPS: 2.50 EUR -> 2.50 EUR (BASE/LIST)"
    assert quote.lines[0].unit_price == eur("3.20")  # the quote itself is untouched


def test_reprice_checks_its_inputs(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    base_list: Callable[..., PriceList],
    make_quote: Callable[[], Quote],
    customer: Account,
) -> None:
    quote = make_quote()
    pricer = Pricer([base_list()], categories=categories)
    with pytest.raises(ValidationError, match="quote Q-1 is for ACC1"):
        reprice(quote, pricer=pricer, account=account("OTHER"), products=products, on=on)
    with pytest.raises(ValidationError, match="not among the products"):
        reprice(quote, pricer=pricer, account=customer, products={}, on=on)  # type: ignore[arg-type]


def test_a_quote_round_trips_with_its_explanations(make_quote: Callable[[], Quote]) -> None:
    quote = make_quote()
    quote.issue(at=AT)
    again = from_dict(Quote, to_dict(quote))
    assert to_dict(again) == to_dict(quote)
    assert again.lines[0].explanation == quote.lines[0].explanation
    assert again.lines[0].quantity == Decimal(24)


def test_lines_must_be_in_the_quotes_currency(on: date, make_quote: Callable[[], Quote]) -> None:
    line = make_quote().lines[0]
    with pytest.raises(ValidationError, match="quote's currency GBP"):
        Quote("Q-3", "ACC1", "GBP", "en_GB", on, [line])


def test_the_issue_instant_is_stored_in_utc(make_quote: Callable[[], Quote]) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    quote = make_quote()
    quote.issue(at=datetime(2026, 3, 2, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles")))
    assert quote.issued_at == datetime(2026, 3, 3, 7, 30, tzinfo=UTC)
    assert quote.issued_at.tzinfo is UTC
