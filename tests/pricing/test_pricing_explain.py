"""How explanations render their steps."""

from __future__ import annotations

from decimal import Decimal

from wholesale_crm.pricing.explain import Step


def test_a_step_before_conversion_shows_its_own_currency() -> None:
    assert Step("base: list price of P1 in GBP", Decimal("5.95"), "GBP").render("EUR") == (
        "base: list price of P1 in GBP -> 5.95 GBP"
    )
    assert Step("x (1 - 10%)", Decimal("6.3189")).render("EUR") == "x (1 - 10%) -> 6.3189 EUR"
