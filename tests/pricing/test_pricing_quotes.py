"""Quotes: frozen lines with explanations, totals, terms, babel formatting, issue, reprice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pricing_world import CATEGORIES, ON, account, base_list, eur, fixed, plist, products

from wholesale_crm.accounts.terms import EarlyPaymentDiscount, NetDays
from wholesale_crm.errors import PolicyViolation, ValidationError
from wholesale_crm.periods import DateRange
from wholesale_crm.pricing.pricer import Pricer
from wholesale_crm.pricing.quotes import Quote, QuoteIssued, QuoteStatus, quote_for, reprice
from wholesale_crm.serialization import from_dict, to_dict

P = products()
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PROMO = plist(
    "PROMO",
    "promotion",
    fixed("SPRING", "COLA", "3.20", valid=DateRange(None, date(2026, 4, 1))),
)
TERMS = NetDays(30, EarlyPaymentDiscount(2, 10))


def customer() -> object:
    return account(locale="de_DE", payment_terms=TERMS)


def make_quote() -> Quote:
    pricer = Pricer([PROMO, base_list()], categories=CATEGORIES)
    items = [(P["COLA"], 24), (P["CHIPS"], 10)]
    return quote_for(pricer, customer(), items, on=ON, quote_id="Q-1")  # type: ignore[arg-type]


def test_a_quote_freezes_prices_explanations_and_terms() -> None:
    quote = make_quote()
    assert [(line.product_id, line.unit_price, line.line_total) for line in quote.lines] == [
        ("COLA", eur("3.20"), eur("76.80")),
        ("CHIPS", eur("2.50"), eur("25.00")),
    ]
    assert quote.total == eur("101.80")
    assert quote.lines[0].explanation.rule_id == "SPRING"
    assert (quote.currency, quote.locale, quote.payment_terms) == ("EUR", "de_DE", TERMS)
    assert quote.status is QuoteStatus.DRAFT


def test_a_quote_is_formatted_in_the_accounts_locale() -> None:
    quote = make_quote()
    quote.issue(at=AT, valid_until=date(2026, 3, 31))
    text = quote.format()
    assert "priced on 2. März 2026" in text
    assert "76,80\xa0€" in text
    assert "101,80\xa0€" in text
    assert "Payment terms: 2% 10 days, net 30" in text
    assert "Valid until 31. März 2026" in text


def test_issuing_records_an_event_once() -> None:
    quote = make_quote()
    quote.issue(at=AT, valid_until=date(2026, 3, 31))
    assert quote.pull_events() == [QuoteIssued("Q-1", "ACC1", eur("101.80"), AT, date(2026, 3, 31))]
    with pytest.raises(PolicyViolation, match="already issued"):
        quote.issue(at=AT)


def test_issuing_refuses_bad_input() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        make_quote().issue(at=datetime(2026, 3, 2, 9, 30))
    with pytest.raises(ValidationError, match="must not precede"):
        make_quote().issue(at=AT, valid_until=date(2026, 3, 1))
    empty = Quote("Q-2", "ACC1", "EUR", "en_GB", ON)
    with pytest.raises(PolicyViolation, match="no lines"):
        empty.issue(at=AT)
    assert empty.total == eur("0")


def test_reprice_gives_a_per_line_diff() -> None:
    quote = make_quote()
    pricer = Pricer([PROMO, base_list()], categories=CATEGORIES)
    changes = reprice(quote, pricer=pricer, account=customer(), products=P, on=date(2026, 4, 1))  # type: ignore[arg-type]
    cola, chips = changes
    assert (cola.changed, cola.rule_changed, cola.difference) == (True, True, eur("0.80"))
    assert str(cola) == "line 1 COLA: 3.20 EUR -> 4.00 EUR (PROMO/SPRING -> BASE/LIST)"
    assert (chips.changed, chips.rule_changed) == (False, False)
    assert str(chips) == "line 2 CHIPS: 2.50 EUR -> 2.50 EUR (BASE/LIST)"
    assert quote.lines[0].unit_price == eur("3.20")  # the quote itself is untouched


def test_reprice_checks_its_inputs() -> None:
    quote = make_quote()
    pricer = Pricer([base_list()], categories=CATEGORIES)
    with pytest.raises(ValidationError, match="quote Q-1 is for ACC1"):
        reprice(quote, pricer=pricer, account=account("OTHER"), products=P, on=ON)
    with pytest.raises(ValidationError, match="not among the products"):
        reprice(quote, pricer=pricer, account=customer(), products={}, on=ON)  # type: ignore[arg-type]


def test_a_quote_round_trips_with_its_explanations() -> None:
    quote = make_quote()
    quote.issue(at=AT)
    again = from_dict(Quote, to_dict(quote))
    assert to_dict(again) == to_dict(quote)
    assert again.lines[0].explanation == quote.lines[0].explanation
    assert again.lines[0].quantity == Decimal(24)


def test_lines_must_be_in_the_quotes_currency() -> None:
    line = make_quote().lines[0]
    with pytest.raises(ValidationError, match="quote's currency GBP"):
        Quote("Q-3", "ACC1", "GBP", "en_GB", ON, [line])
