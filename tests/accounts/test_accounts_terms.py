"""Payment terms: hand-worked schedules, bad input, descriptions, storage, properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholesale_crm.accounts.model import Account
from wholesale_crm.accounts.terms import (
    EarlyPaymentDiscount,
    EndOfMonth,
    FixedDayNextMonth,
    Installment,
    InstallmentPart,
    Installments,
    NetDays,
    PaymentTerms,
)
from wholesale_crm.errors import ValidationError
from wholesale_crm.ids import AccountId
from wholesale_crm.money import Money
from wholesale_crm.serialization import from_dict, from_json, to_dict, to_json


def gbp(amount: str) -> Money:
    return Money(amount, "GBP")


def dues(terms: PaymentTerms, invoice_date: date, amount: str = "100.00") -> list[date]:
    return [i.due for i in terms.schedule(invoice_date, gbp(amount))]


def amounts(terms: PaymentTerms, amount: Money) -> list[str]:
    return [str(i.amount.amount) for i in terms.schedule(date(2025, 1, 31), amount)]


THIRDS = Installments(
    [InstallmentPart("33.33", 30), InstallmentPart("33.33", 60), InstallmentPart("33.34", 90)]
)


# -- due dates, worked by hand ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "invoice_date", "due"),
    [
        # Jan 31 + 28 days = Feb 28, + 2 more = Mar 2.
        (NetDays(30), date(2025, 1, 31), date(2025, 3, 2)),
        # 2024 is a leap year: Jan 31 + 29 = Feb 29, + 1 = Mar 1.
        (NetDays(30), date(2024, 1, 31), date(2024, 3, 1)),
        (NetDays(0), date(2025, 5, 7), date(2025, 5, 7)),
        (NetDays(60), date(2025, 11, 15), date(2026, 1, 14)),
        # End of January is Jan 31; + 30 days = Mar 2.
        (EndOfMonth(30), date(2025, 1, 15), date(2025, 3, 2)),
        # End of February 2025 is Feb 28; + 30 days = Mar 30.
        (EndOfMonth(30), date(2025, 2, 10), date(2025, 3, 30)),
        (EndOfMonth(0), date(2024, 2, 3), date(2024, 2, 29)),
        (EndOfMonth(0), date(2025, 4, 30), date(2025, 4, 30)),
        (EndOfMonth(15), date(2025, 12, 1), date(2026, 1, 15)),
        (FixedDayNextMonth(15), date(2025, 1, 31), date(2025, 2, 15)),
        (FixedDayNextMonth(15), date(2025, 12, 20), date(2026, 1, 15)),
        (FixedDayNextMonth(1), date(2025, 1, 1), date(2025, 2, 1)),
        # Day 31 in a shorter month is its last day.
        (FixedDayNextMonth(31), date(2025, 3, 15), date(2025, 4, 30)),
        (FixedDayNextMonth(31), date(2025, 1, 10), date(2025, 2, 28)),
        (FixedDayNextMonth(30), date(2024, 1, 10), date(2024, 2, 29)),
        (FixedDayNextMonth(31), date(2025, 6, 1), date(2025, 7, 31)),
    ],
)
def test_single_payment_due_dates(terms: PaymentTerms, invoice_date: date, due: date) -> None:
    assert dues(terms, invoice_date) == [due]


def test_three_installments_of_a_hundred_pounds() -> None:
    # 30, 60 and 90 days from Jan 31 2025: Mar 2, Apr 1, May 1; 33.33 + 33.33 + 33.34 = 100.00.
    assert THIRDS.schedule(date(2025, 1, 31), gbp("100.00")) == [
        Installment(date(2025, 3, 2), gbp("33.33")),
        Installment(date(2025, 4, 1), gbp("33.33")),
        Installment(date(2025, 5, 1), gbp("33.34")),
    ]


def test_installments_in_calendar_months_follow_relativedelta() -> None:
    # Jan 31 + 1 month = Feb 28; + 2 months = Mar 31; + 1 month 10 days = Mar 10.
    terms = Installments(
        [
            InstallmentPart(50, months=1),
            InstallmentPart(25, months=2),
            InstallmentPart(25, months=1, days=10),
        ]
    )
    assert dues(terms, date(2025, 1, 31)) == [
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 3, 10),
    ]
    assert dues(terms, date(2024, 1, 31))[0] == date(2024, 2, 29)
    assert dues(Installments([InstallmentPart(100, 1, 1)]), date(2025, 1, 31)) == [date(2025, 3, 1)]


def test_a_deposit_on_the_invoice_date() -> None:
    terms = Installments([InstallmentPart(30), InstallmentPart(70, days=30)])
    assert terms.schedule(date(2025, 6, 1), gbp("250.00")) == [
        Installment(date(2025, 6, 1), gbp("75.00")),
        Installment(date(2025, 7, 1), gbp("175.00")),
    ]


# -- amounts and rounding -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        # 1,000.00 x 33.33% = 333.30 each for the first two; the last takes 1000.00 - 666.60.
        (gbp("1000.00"), ["333.30", "333.30", "333.40"]),
        (gbp("0.01"), ["0.00", "0.00", "0.01"]),
        (gbp("0"), ["0.00", "0.00", "0.00"]),
        # 100.005 rounds HALF_UP to 100.01 first: 33.33, 33.33, then 100.01 - 66.66 = 33.35.
        (gbp("100.005"), ["33.33", "33.33", "33.35"]),
        # Yen have no minor unit: 10,000 x 33.33% = 3,333.
        (Money(10000, "JPY"), ["3333", "3333", "3334"]),
        # Bahraini dinar have three decimals: 1.000 x 33.33% = 0.3333 -> 0.333.
        (Money("1.000", "BHD"), ["0.333", "0.333", "0.334"]),
    ],
)
def test_installment_amounts_round_to_the_currency_with_the_remainder_last(
    amount: Money, expected: list[str]
) -> None:
    assert amounts(THIRDS, amount) == expected


def test_a_single_payment_is_the_rounded_amount() -> None:
    assert amounts(NetDays(30), gbp("99.994")) == ["99.99"]
    assert amounts(NetDays(30), gbp("99.995")) == ["100.00"]


def test_two_ten_net_thirty_on_a_thousand_pounds() -> None:
    # 2% of 1,000.00 = 20.00, if paid by Jan 31 + 10 days = Feb 10; else 1,000.00 by Mar 2.
    terms = NetDays(30, EarlyPaymentDiscount(2, 10))
    [installment] = terms.schedule(date(2025, 1, 31), gbp("1000.00"))
    assert installment == Installment(
        date(2025, 3, 2), gbp("1000.00"), discount=gbp("20.00"), discount_deadline=date(2025, 2, 10)
    )
    assert installment.amount_if_paid_early == gbp("980.00")


def test_the_discount_is_rounded_half_up_to_the_minor_unit() -> None:
    # 2.5% of 1,234.56 = 30.864 -> 30.86; 1.5% of 0.50 = 0.0075 -> 0.01.
    terms = EndOfMonth(30, EarlyPaymentDiscount("2.5", 7))
    [installment] = terms.schedule(date(2025, 3, 3), gbp("1234.56"))
    assert installment.discount == gbp("30.86")
    assert installment.discount_deadline == date(2025, 3, 10)
    assert installment.due == date(2025, 4, 30)
    [small] = NetDays(10, EarlyPaymentDiscount("1.5", 5)).schedule(date(2025, 3, 3), gbp("0.50"))
    assert small.discount == gbp("0.01")


def test_the_discount_deadline_never_passes_the_due_date() -> None:
    # Invoice Jan 25, due Feb 1; 14 days would be Feb 8, so the deadline is Feb 1.
    terms = FixedDayNextMonth(1, EarlyPaymentDiscount(3, 14))
    [installment] = terms.schedule(date(2025, 1, 25), gbp("10.00"))
    assert (installment.due, installment.discount_deadline) == (date(2025, 2, 1), date(2025, 2, 1))
    assert installment.discount == gbp("0.30")


def test_without_a_discount_paying_early_saves_nothing() -> None:
    [installment] = NetDays(30).schedule(date(2025, 1, 31), gbp("10.00"))
    assert installment.discount is None
    assert installment.discount_deadline is None
    assert installment.amount_if_paid_early == gbp("10.00")


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "path"),
    [
        pytest.param(lambda: NetDays(-1), "days", id="NetDays(-1)"),
        pytest.param(lambda: NetDays(True), "days", id="NetDays(True)"),
        pytest.param(lambda: NetDays("30"), "days", id="NetDays(30)"),
        pytest.param(lambda: EndOfMonth(-30), "days", id="EndOfMonth(-30)"),
        pytest.param(lambda: FixedDayNextMonth(0), "day", id="FixedDayNextMonth(0)"),
        pytest.param(lambda: FixedDayNextMonth(32), "day", id="FixedDayNextMonth(32)"),
        pytest.param(
            lambda: EarlyPaymentDiscount(0, 10), "percent", id="EarlyPaymentDiscount(0, 10)"
        ),
        pytest.param(
            lambda: EarlyPaymentDiscount(100, 10), "percent", id="EarlyPaymentDiscount(100, 10)"
        ),
        pytest.param(
            lambda: EarlyPaymentDiscount(-2, 10), "percent", id="EarlyPaymentDiscount(-2, 10)"
        ),
        pytest.param(
            lambda: EarlyPaymentDiscount(2.0, 10), "percent", id="EarlyPaymentDiscount(2.0, 10)"
        ),
        pytest.param(
            lambda: EarlyPaymentDiscount(2, -10), "days", id="EarlyPaymentDiscount(2, -10)"
        ),
        pytest.param(
            lambda: NetDays(30, EarlyPaymentDiscount(2, 45)),
            "discount.days",
            id="NetDays(30, EarlyPaymentDiscount(2, 45))",
        ),
        pytest.param(lambda: InstallmentPart(0, 30), "percent", id="InstallmentPart(0, 30)"),
        pytest.param(
            lambda: InstallmentPart("100.01", 30), "percent", id="InstallmentPart(100.01, 30)"
        ),
        pytest.param(lambda: InstallmentPart(50, -30), "days", id="InstallmentPart(50, -30)"),
        pytest.param(
            lambda: InstallmentPart(50, months=-1), "months", id="InstallmentPart(50, months=-1)"
        ),
        pytest.param(lambda: Installments([]), "parts", id="Installments([])"),
        pytest.param(
            lambda: Installments([InstallmentPart(50, 30), InstallmentPart("49.99", 60)]),
            "parts",
            id="Installments([InstallmentPart(50, 30), InstallmentPart(49.99, 60)])",
        ),
        pytest.param(
            lambda: Installments([InstallmentPart(60, 30), InstallmentPart(50, 60)]),
            "parts",
            id="Installments([InstallmentPart(60, 30), InstallmentPart(50, 60)])",
        ),
    ],
)
def test_bad_terms_raise_a_validation_error_naming_the_field(build: Any, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.paths == (path,)


def test_installments_not_totalling_100_say_the_total() -> None:
    with pytest.raises(ValidationError, match=r"must total 100, not 99\.99") as caught:
        Installments([InstallmentPart(50, 30), InstallmentPart("49.99", 60)])
    assert caught.value.errors[0].value == ["50", "49.99"]


def test_a_negative_invoice_amount_is_refused() -> None:
    for terms in (NetDays(30), THIRDS):
        with pytest.raises(ValidationError) as caught:
            terms.schedule(date(2025, 1, 31), gbp("-10.00"))
        assert caught.value.paths == ("amount",)


# -- descriptions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "text"),
    [
        (NetDays(30), "net 30"),
        (NetDays(30, EarlyPaymentDiscount(2, 10)), "2% 10 days, net 30"),
        (NetDays(30, EarlyPaymentDiscount("2.50", 1)), "2.5% 1 day, net 30"),
        (EndOfMonth(), "end of month"),
        (EndOfMonth(1), "end of month + 1 day"),
        (EndOfMonth(30, EarlyPaymentDiscount(3, 7)), "3% 7 days, end of month + 30 days"),
        (FixedDayNextMonth(15), "day 15 of the following month"),
        (THIRDS, "33.33% at 30 days, 33.33% at 60 days, 33.34% at 90 days"),
        (
            Installments([InstallmentPart(10), InstallmentPart(90, months=2, days=1)]),
            "10% on the invoice date, 90% at 2 months 1 day",
        ),
        (Installments([InstallmentPart(100, months=1)]), "100% at 1 month"),
    ],
)
def test_describe(terms: PaymentTerms, text: str) -> None:
    assert terms.describe() == text


# -- storage --------------------------------------------------------------------------------

ALL_KINDS: list[PaymentTerms] = [
    NetDays(30),
    NetDays(30, EarlyPaymentDiscount(2, 10)),
    EndOfMonth(45, EarlyPaymentDiscount("1.5", 10)),
    FixedDayNextMonth(31),
    THIRDS,
]


@pytest.mark.parametrize("terms", ALL_KINDS, ids=lambda t: t.describe())
def test_an_account_with_terms_round_trips(terms: PaymentTerms) -> None:
    account = Account(AccountId("ACC-1"), "Bramble & Co", currency="GBP", payment_terms=terms)
    document = to_dict(account)
    assert document["payment_terms"]["type"] == type(terms).__name__
    assert from_dict(Account, document).payment_terms == terms
    assert from_json(Account, to_json(account)).payment_terms == terms


def test_stored_terms_are_validated_when_read() -> None:
    document = to_dict(Account(AccountId("ACC-1"), "Bramble & Co", payment_terms=THIRDS))
    document["payment_terms"]["parts"][2]["percent"] = "33.33"
    with pytest.raises(ValidationError, match="must total 100"):
        from_dict(Account, document)
    document["payment_terms"] = {"type": "NetSomeday", "days": 30}
    with pytest.raises(ValidationError) as caught:
        from_dict(Account, document)
    assert caught.value.paths == ("$.payment_terms.type",)


# -- properties -----------------------------------------------------------------------------

CURRENCIES = ["GBP", "EUR", "JPY", "BHD"]


@st.composite
def discounts(draw: st.DrawFn, max_days: int = 60) -> EarlyPaymentDiscount | None:
    if not draw(st.booleans()):
        return None
    percent = Decimal(draw(st.integers(min_value=1, max_value=9999))) / 100
    return EarlyPaymentDiscount(percent, draw(st.integers(min_value=0, max_value=max_days)))


@st.composite
def installment_terms(draw: st.DrawFn) -> Installments:
    count = draw(st.integers(min_value=1, max_value=6))
    cuts = sorted(
        draw(
            st.sets(
                st.integers(min_value=1, max_value=9999), min_size=count - 1, max_size=count - 1
            )
        )
    )
    basis_points = [b - a for a, b in zip([0, *cuts], [*cuts, 10000], strict=True)]
    return Installments(
        [
            InstallmentPart(
                Decimal(bp) / 100,
                draw(st.integers(min_value=0, max_value=400)),
                draw(st.integers(min_value=0, max_value=24)),
            )
            for bp in basis_points
        ]
    )


@st.composite
def net_terms(draw: st.DrawFn) -> NetDays:
    days = draw(st.integers(min_value=0, max_value=180))
    return NetDays(days, draw(discounts(max_days=days)))


any_terms = st.one_of(
    net_terms(),
    st.builds(EndOfMonth, st.integers(min_value=0, max_value=120), discounts()),
    st.builds(FixedDayNextMonth, st.integers(min_value=1, max_value=31), discounts()),
    installment_terms(),
)


@st.composite
def invoice_amounts(draw: st.DrawFn) -> Money:
    currency = draw(st.sampled_from(CURRENCIES))
    units = draw(st.integers(min_value=0, max_value=10**12))
    places = draw(st.integers(min_value=0, max_value=5))
    return Money(Decimal(units).scaleb(-places), currency)


@given(
    terms=any_terms,
    invoice_date=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    amount=invoice_amounts(),
)
def test_schedules_sum_to_the_invoice_and_never_fall_due_before_it(
    terms: PaymentTerms, invoice_date: date, amount: Money
) -> None:
    schedule = terms.schedule(invoice_date, amount)
    assert schedule
    assert sum(i.amount for i in schedule) == amount.round()
    for installment in schedule:
        assert installment.amount.currency == amount.currency
        assert installment.amount.is_rounded()
        assert not installment.amount.is_negative
        assert installment.due >= invoice_date
        if installment.discount is not None:
            assert installment.discount_deadline is not None
            assert invoice_date <= installment.discount_deadline <= installment.due
            assert installment.discount.is_rounded()
            assert Money.zero(amount.currency) <= installment.discount <= installment.amount
    if isinstance(terms, Installments):
        # Every part but the last is its exact share rounded down; the last takes the rest.
        exact = amount.round().amount
        for part, installment in zip(terms.parts[:-1], schedule[:-1], strict=True):
            share = exact * part.percent / 100
            assert installment.amount.amount <= share
            assert share - installment.amount.amount < Decimal(1).scaleb(-amount.precision)


@given(terms=any_terms)
def test_every_kind_of_terms_round_trips_on_an_account(terms: PaymentTerms) -> None:
    account = Account(AccountId("ACC-1"), "Bramble & Co", payment_terms=terms)
    assert from_dict(Account, to_dict(account)).payment_terms == terms
