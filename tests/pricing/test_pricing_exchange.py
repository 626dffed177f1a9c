"""Currencies: effective-dated rates, conversion before rounding, skipped fixed prices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from wholesale_crm.accounts.model import Account
from wholesale_crm.catalog.model import Category, Product
from wholesale_crm.errors import RuleError, ValidationError
from wholesale_crm.pricing.exchange import ExchangeRate, ExchangeRates
from wholesale_crm.pricing.model import PercentOff, PriceList, PriceRule, Target
from wholesale_crm.pricing.pricer import Pricer

RATES = ExchangeRates(
    [
        ExchangeRate("EUR", "GBP", "0.85", date(2026, 1, 1)),
        ExchangeRate("EUR", "GBP", "0.857", date(2026, 3, 1)),
    ]
)


@pytest.fixture
def gbp_price(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
) -> Callable[..., str]:
    """`gbp_price(*lists, product="COLA", on=..., rates=RATES)`: one unit's price for an
    account paying in pounds."""
    default_day = on

    def unit_price(
        *lists: PriceList,
        product: str = "COLA",
        on: date = default_day,
        rates: ExchangeRates = RATES,
    ) -> str:
        pricer = Pricer(lists, categories=categories, rates=rates)
        result = pricer.price(account(currency="GBP"), products[product], 1, on=on)
        return str(result.unit_price.amount)

    return unit_price


def test_rates_are_effective_dated(
    base_list: Callable[..., PriceList], gbp_price: Callable[..., str]
) -> None:
    assert RATES.convert(Decimal(100), "EUR", "GBP", date(2026, 2, 28)) == Decimal("85.00")
    assert RATES.convert(Decimal(100), "EUR", "GBP", date(2026, 3, 1)) == Decimal("85.700")
    assert gbp_price(base_list(), on=date(2026, 2, 28)) == "3.40"  # 4.00 EUR x 0.85
    assert gbp_price(base_list()) == "3.43"  # 4.00 x 0.857 = 3.428


def test_the_base_is_converted_first_and_rounded_after(
    rule: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
    base_list: Callable[..., PriceList],
    gbp_price: Callable[..., str],
) -> None:
    off = plist(
        "GRP", "group", rule("G1", Target.everything(), PercentOff("12.5")), customer_group="horeca"
    )
    # 2.50 EUR x 0.857 = 2.1425 GBP, - 12.5% = 1.8746875 -> 1.87
    # (rounding 2.1875 EUR to 2.19 before converting would give 1.87683 -> 1.88)
    assert gbp_price(off, base_list(), product="CHIPS") == "1.87"


def test_an_inverse_rate_is_used_when_only_the_other_direction_is_known(
    on: date, base_list: Callable[..., PriceList], gbp_price: Callable[..., str]
) -> None:
    inverse = ExchangeRates([ExchangeRate("GBP", "EUR", "1.25", date(2026, 1, 1))])
    assert gbp_price(base_list(), rates=inverse) == "3.20"  # 4.00 / 1.25
    conversion = inverse.conversion(Decimal(4), "EUR", "GBP", on)
    assert conversion.inverse
    assert "inverse of 1 GBP = 1.25 EUR from 2026-01-01" in conversion.describe("EUR", "GBP")


def test_a_fixed_price_in_another_currency_is_skipped_with_the_reason(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    fixed: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
    base_list: Callable[..., PriceList],
) -> None:
    contract = plist("CON", "contract", fixed("C1", "COLA", "2.95"), account_id="ACC1")
    pricer = Pricer([contract, base_list()], categories=categories, rates=RATES)
    result = pricer.price(account(currency="GBP"), products["COLA"], 1, on=on)
    assert (result.price_list_id, str(result.unit_price)) == ("BASE", "3.43 GBP")
    assert "CON/C1: fixed price in EUR, the order is in GBP: skipped" in str(result.explain())


def test_a_base_list_in_another_currency_is_rounded_there_then_converted(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    rule: Callable[..., PriceRule],
    fixed: Callable[..., PriceRule],
    plist: Callable[..., PriceList],
    base_list: Callable[..., PriceList],
) -> None:
    base = base_list(fixed("B1", "COLA", "3.80"))
    pounds = plist(
        "GRP-GBP",
        "group",
        rule("G1", Target.everything(), PercentOff(10, "base_list")),
        currency="GBP",
        customer_group="horeca",
        base_list_id="BASE",
    )
    # 3.80 EUR x 0.857 = 3.2566 GBP, - 10% = 2.93094 -> 2.93
    pricer = Pricer([pounds, base], categories=categories, rates=RATES)
    result = pricer.price(account(currency="GBP"), products["COLA"], 1, on=on)
    assert str(result.unit_price) == "2.93 GBP"
    labels = [s.label for s in result.explain().steps]
    assert labels[0] == "base: price in list BASE (rule B1) in EUR"
    assert labels[1].startswith("convert 3.80 EUR at 0.857 GBP per EUR")


def test_a_missing_rate_is_a_clear_error(
    on: date,
    categories: tuple[Category, ...],
    products: dict[str, Product],
    account: Callable[..., Account],
    base_list: Callable[..., PriceList],
) -> None:
    with pytest.raises(RuleError, match="no exchange rate from EUR to USD on 2026-03-02") as caught:
        Pricer([base_list()], categories=categories, rates=RATES).price(
            account(currency="USD"), products["COLA"], 1, on=on
        )
    assert caught.value.ids == ("EUR", "USD")
    with pytest.raises(RuleError, match="no exchange rate"):
        RATES.convert(Decimal(1), "EUR", "GBP", date(2025, 12, 31))


def test_bad_rate_tables_are_refused(on: date) -> None:
    with pytest.raises(ValidationError, match="must differ"):
        ExchangeRate("EUR", "EUR", 1, on)
    with pytest.raises(ValidationError, match="greater than zero"):
        ExchangeRate("EUR", "GBP", 0, on)
    with pytest.raises(ValidationError, match="ISO 4217"):
        ExchangeRate("EUR", "GBX", 1, on)
    with pytest.raises(ValidationError, match="two EUR->GBP rates"):
        ExchangeRates([ExchangeRate("EUR", "GBP", 1, on), ExchangeRate("EUR", "GBP", 2, on)])
    assert [str(r) for r in RATES.rates] == [
        "1 EUR = 0.85 GBP from 2026-01-01",
        "1 EUR = 0.857 GBP from 2026-03-01",
    ]
