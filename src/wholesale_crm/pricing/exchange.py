"""Effective-dated exchange rates, for pricing in a currency other than the base's.

Conversion is exact (`Decimal`, no rounding): the pricing engine converts a base first and
rounds once, at the end, in the order's currency; never before converting.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs

from wholesale_crm.errors import RuleError, ValidationError
from wholesale_crm.money import to_decimal, validate_currency
from wholesale_crm.validation import positive

__all__ = ["Conversion", "ExchangeRate", "ExchangeRates"]


def _rate(value: object) -> Decimal:
    return to_decimal(value, "rate")


def _currency(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    validate_currency(value, attribute.name)


@attrs.frozen
class ExchangeRate:
    """One unit of `source` buys `rate` units of `target`, from `valid_from` until superseded."""

    source: str = attrs.field(validator=_currency)
    target: str = attrs.field(validator=_currency)
    rate: Decimal = attrs.field(converter=_rate, validator=positive)
    valid_from: date

    def __attrs_post_init__(self) -> None:
        if self.source == self.target:
            raise ValidationError.field("target", self.target, "must differ from source")

    def __str__(self) -> str:
        return f"1 {self.source} = {self.rate} {self.target} from {self.valid_from.isoformat()}"


@attrs.frozen
class Conversion:
    """The result of converting an amount: the exact figure and the rate used."""

    amount: Decimal
    rate: Decimal
    source: ExchangeRate | None
    """The rate record used (`None` when no conversion was needed); inverted if `inverse`."""
    inverse: bool = False

    def describe(self, source_currency: str, target_currency: str) -> str:
        """ "at 0.85 GBP per EUR (1 EUR = 0.85 GBP from 2026-01-01)"."""
        if self.source is None:
            return "no conversion"
        how = f"inverse of {self.source}" if self.inverse else str(self.source)
        return f"at {self.rate} {target_currency} per {source_currency} ({how})"


class ExchangeRates:
    """A table of exchange rates, each valid from a date until the next one for the pair.

    The rate for `source -> target` on a day is the latest record for that pair starting on
    or before the day; when only `target -> source` is recorded, its inverse is used.

    Raises:
        ValidationError: two records for the same pair and start date.
    """

    def __init__(self, rates: Iterable[ExchangeRate] = ()) -> None:
        self._by_pair: dict[tuple[str, str], list[ExchangeRate]] = {}
        for rate in sorted(rates, key=lambda r: r.valid_from):
            history = self._by_pair.setdefault((rate.source, rate.target), [])
            if history and history[-1].valid_from == rate.valid_from:
                raise ValidationError.field(
                    "valid_from", rate.valid_from, f"two {rate.source}->{rate.target} rates"
                )
            history.append(rate)

    @property
    def rates(self) -> list[ExchangeRate]:
        """Every record, by pair then date."""
        return [r for pair in sorted(self._by_pair) for r in self._by_pair[pair]]

    def _latest(self, pair: tuple[str, str], on: date) -> ExchangeRate | None:
        found = None
        for rate in self._by_pair.get(pair, ()):
            if rate.valid_from > on:
                break
            found = rate
        return found

    def conversion(self, amount: Decimal, source: str, target: str, on: date) -> Conversion:
        """Convert `amount` of `source` into `target` on `on`, exactly.

        Raises:
            RuleError: no rate for the pair (either direction) on that date; `ids` holds
                the two currency codes.
        """
        if source == target:
            return Conversion(amount, Decimal(1), None)
        direct = self._latest((source, target), on)
        if direct is not None:
            return Conversion(amount * direct.rate, direct.rate, direct)
        reverse = self._latest((target, source), on)
        if reverse is not None:
            rate = 1 / reverse.rate
            return Conversion(amount * rate, rate, reverse, inverse=True)
        raise RuleError(
            f"no exchange rate from {source} to {target} on {on.isoformat()}", (source, target)
        )

    def convert(self, amount: Decimal, source: str, target: str, on: date) -> Decimal:
        """`amount` of `source` in `target` on `on`, exact (see `conversion`)."""
        if source == target:
            return amount
        return self.conversion(amount, source, target, on).amount
