"""Assignment rules: criteria on account and site fields, combined by a boolean expression.

A `Rule` holds numbered criteria (1, 2, 3, ...) and an optional `logic` such as
`(1 AND 2) OR 3`; without one, every criterion must hold. A rule is checked when it is built:
an unknown field or operator, a malformed postal-code range or a bad expression raises
`ValidationError` whose message names the rule (`rule R-7, criterion 2: ...`) and whose path
points at the value (`criteria[1].field`, zero-based like the document it came from).

Criteria compare normalised values: text is compared case-insensitively, postal codes in
upper case with runs of spaces made single. A postal prefix keeps a trailing space, so `LS1 `
takes `LS1 4AP` but not `LS12 3AB`, while `LS1` takes both. Postal ranges such as `M1-M9` or
`10000-14999` match a code that starts with the same letters followed by a number within the
range (inclusive): `M1-M9` takes `M4 5AB` but not `M14 5AB`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

import attrs

from wholesale_crm.accounts.model import Account, Site, SiteRole
from wholesale_crm.errors import ValidationError
from wholesale_crm.ids import RuleId
from wholesale_crm.validation import non_blank

__all__ = [
    "FIELDS",
    "OPERATORS",
    "And",
    "Criterion",
    "Expr",
    "Facts",
    "Not",
    "Or",
    "PostalRange",
    "Ref",
    "Rule",
    "facts_of",
    "normalise_postal_code",
    "normalise_postal_prefix",
    "normalise_text",
    "parse_logic",
    "postal_range",
    "primary_site",
]

FIELDS: Mapping[str, frozenset[str]] = {
    "country": frozenset({"in", "not_in"}),
    "region": frozenset({"in", "not_in"}),
    "postal_code": frozenset({"in", "not_in", "prefix", "range"}),
    "industry": frozenset({"in", "not_in"}),
    "segment": frozenset({"in", "not_in"}),
    "tier": frozenset({"in", "not_in"}),
    "customer_group": frozenset({"in", "not_in"}),
    "tags": frozenset({"in", "not_in"}),
    "revenue": frozenset({"between"}),
}
"""The fields a criterion may test, with the operators each accepts.

`in` holds when the value is one of `values` (for `tags`: when the account has one of them),
`not_in` when it is none of them (an empty value counts as none), `prefix` when the postal code
starts with one of `values`, `range` when it lies in one of the ranges `LOW-HIGH`, and `between`
when the trailing revenue supplied by the caller lies in `[values[0], values[1])` (an empty
upper bound leaves the band open).
"""

OPERATORS = frozenset(op for ops in FIELDS.values() for op in ops)
"""Every operator name a criterion may use."""


def normalise_text(value: str) -> str:
    """Text as criteria compare it: trimmed and case-folded."""
    return value.strip().casefold()


def normalise_postal_code(value: str) -> str:
    """A postal code as criteria compare it: upper case, single spaces (`m4  5ab` -> `M4 5AB`)."""
    return " ".join(value.upper().split())


def normalise_postal_prefix(value: str) -> str:
    """A postal prefix as criteria compare it: like a code, but a trailing space is kept."""
    return re.sub(r"\s+", " ", value.upper()).lstrip()


_RANGE_END = re.compile(r"^([A-Z]*)(\d+)$")
_LEADING = re.compile(r"^([A-Z]*)(\d+)")


@attrs.frozen
class PostalRange:
    """Postal codes from `letters + low` to `letters + high`, the numbers compared as numbers.

    A code is in the range when it starts with `letters` followed by a run of digits whose
    number lies in `[low, high]`: `M1-M9` holds `M4 5AB` but not `M14 5AB`.
    """

    letters: str
    low: str
    high: str

    def contains(self, postal: str) -> bool:
        """True when the normalised postal code `postal` lies in the range."""
        found = _LEADING.match(postal)
        return (
            found is not None
            and found.group(1) == self.letters
            and int(self.low) <= int(found.group(2)) <= int(self.high)
        )

    @property
    def prefix(self) -> str:
        """What every code in the range starts with (the letters, and leading digits shared
        by both ends when they have as many digits)."""
        if len(self.low) != len(self.high):
            return self.letters
        shared = 0
        while shared < len(self.low) and self.low[shared] == self.high[shared]:
            shared += 1
        return self.letters + self.low[:shared]


def postal_range(text: str, path: str = "values") -> PostalRange:
    """Parse `LOW-HIGH` (`M1-M9`, `10000-14999`); errors are reported at `path`.

    Raises:
        ValidationError: not two ends of letters-then-digits, letters differing between the
            ends, or `LOW` above `HIGH`.
    """
    parts = normalise_postal_code(text).replace(" ", "").split("-")
    ends = [_RANGE_END.match(p) for p in parts]
    if len(parts) != 2 or ends[0] is None or ends[1] is None:
        raise ValidationError.field(
            path, text, "is not a postal range LOW-HIGH such as M1-M9 or 10000-14999"
        )
    low, high = ends[0], ends[1]
    if low.group(1) != high.group(1):
        raise ValidationError.field(
            path, text, "both ends of a postal range must start with the same letters"
        )
    if int(low.group(2)) > int(high.group(2)):
        raise ValidationError.field(path, text, "the low end of the range is above the high")
    return PostalRange(low.group(1), low.group(2), high.group(2))


def _revenue_bound(text: str) -> Decimal | None:
    if text == "":
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError.field("values", text, "is not a decimal amount") from None


@attrs.frozen
class Facts:
    """What rules see of one account (or one of its sites), normalised once.

    Attributes:
        country: ISO country code, upper case; "" when the account has no address.
        region: Case-folded region.
        postal_code: Normalised postal code (`normalise_postal_code`).
        industry: Case-folded industry.
        segment: Case-folded segment.
        tier: Case-folded tier (`a`, `b`, `c`) or "".
        customer_group: Case-folded customer group.
        tags: Case-folded tags.
        revenue: Trailing revenue supplied by the caller, or `None` when unknown.
    """

    country: str = ""
    region: str = ""
    postal_code: str = ""
    industry: str = ""
    segment: str = ""
    tier: str = ""
    customer_group: str = ""
    tags: frozenset[str] = frozenset()
    revenue: Decimal | None = None


def primary_site(account: Account) -> Site | None:
    """The site whose address stands for the whole account: the default bill-to, else ship-to."""
    if len(account.sites) == 1:
        return account.sites[0]
    for role in (SiteRole.BILL_TO, SiteRole.SHIP_TO):
        site = account.default_site(role)
        if site is not None:
            return site
    return account.sites[0] if account.sites else None


def facts_of(account: Account, site: Site | None = None, revenue: Decimal | None = None) -> Facts:
    """The facts of `account`, located at `site` (its primary site when `None`)."""
    where = site if site is not None else primary_site(account)
    address = where.address if where is not None else None
    return Facts(
        country=address.country if address else "",
        region=normalise_text(address.region) if address else "",
        postal_code=normalise_postal_code(address.postal_code) if address else "",
        industry=normalise_text(account.industry or ""),
        segment=normalise_text(account.segment or ""),
        tier=normalise_text(account.tier.value) if account.tier else "",
        customer_group=normalise_text(account.customer_group or ""),
        tags=frozenset(normalise_text(t) for t in account.tags),
        revenue=revenue,
    )


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class Criterion:
    """One test on one field: `Criterion("country", "in", ["GB", "IE"])`.

    The field and operator are checked by the `Rule` that holds the criterion, so that errors
    name the rule. See `FIELDS` for the fields and operators.
    """

    field: str
    operator: str
    values: tuple[str, ...] = attrs.field(converter=_strings)

    def check(self) -> None:
        """Raise `ValidationError` (paths relative to the criterion) if it cannot be applied."""
        operators = FIELDS.get(self.field)
        if operators is None:
            raise ValidationError.field(
                "field", self.field, f"is not a rule field; known fields: {', '.join(FIELDS)}"
            )
        if self.operator not in operators:
            raise ValidationError.field(
                "operator",
                self.operator,
                f"does not apply to {self.field}; use one of {', '.join(sorted(operators))}",
            )
        if not self.values:
            raise ValidationError.field("values", [], "must list at least one value")
        if self.operator == "range":
            for i, value in enumerate(self.values):
                try:
                    postal_range(value)
                except ValidationError as exc:
                    raise ValidationError.field(
                        f"values[{i}]", value, exc.errors[0].message
                    ) from None
        elif self.operator == "between":
            if len(self.values) != 2:
                raise ValidationError.field(
                    "values", list(self.values), "a revenue band is [low, high): two values"
                )
            low, high = (_revenue_bound(v) for v in self.values)
            if low is None or (high is not None and high <= low):
                raise ValidationError.field(
                    "values", list(self.values), "a revenue band needs low < high (high may be '')"
                )

    def compile(self) -> Callable[[Facts], bool]:
        """A fast test of this criterion against `Facts` (call `check` first)."""
        field, op = self.field, self.operator
        if op == "between":
            low = Decimal(self.values[0])
            high = _revenue_bound(self.values[1])
            return lambda f: (
                f.revenue is not None and low <= f.revenue and (high is None or f.revenue < high)
            )
        if op == "range":
            ranges = [postal_range(v) for v in self.values]

            def in_range(f: Facts) -> bool:
                return any(r.contains(f.postal_code) for r in ranges)

            return in_range
        if op == "prefix":
            prefixes = tuple(self.normalised())
            return lambda f: f.postal_code.startswith(prefixes)
        wanted = frozenset(self.normalised())
        if field == "tags":
            return (
                (lambda f: not f.tags.isdisjoint(wanted))
                if op == "in"
                else (lambda f: f.tags.isdisjoint(wanted))
            )
        value = operator.attrgetter(field)
        if op == "in":
            return lambda f: value(f) in wanted
        return lambda f: value(f) not in wanted

    def normalised(self) -> list[str]:
        """The normalised values, as facts hold them."""
        if self.operator == "prefix":
            return [normalise_postal_prefix(v) for v in self.values]
        if self.field == "postal_code":
            return [normalise_postal_code(v) for v in self.values]
        if self.field == "country":
            return [v.strip().upper() for v in self.values]
        return [normalise_text(v) for v in self.values]


# -- the logic expression: a small recursive-descent parser ---------------------------------


@attrs.frozen
class Ref:
    """Criterion number `n` (1-based) of the rule."""

    n: int


@attrs.frozen
class And:
    """Every item holds."""

    items: tuple[Expr, ...]


@attrs.frozen
class Or:
    """At least one item holds."""

    items: tuple[Expr, ...]


@attrs.frozen
class Not:
    """The item does not hold."""

    item: Expr


Expr = Ref | And | Or | Not
"""A parsed logic expression."""

_TOKEN = re.compile(r"\s*(?:(\d+)|(AND|OR|NOT)\b|([()]))", re.IGNORECASE)


class _Parser:
    """Recursive descent over the grammar below (AND binds tighter than OR).

    expr := term (OR term)*;  term := factor (AND factor)*;  factor := NOT factor | (expr) | N
    """

    def __init__(self, text: str, count: int) -> None:
        self.text = text
        self.count = count
        self.tokens: list[tuple[str, int]] = []
        pos = 0
        while pos < len(text):
            if not text[pos:].strip():
                break
            found = _TOKEN.match(text, pos)
            if found is None:
                raise self.error(f"unexpected {text[pos:].strip()[:10]!r} at position {pos + 1}")
            number, word, paren = found.groups()
            self.tokens.append(
                (number or (word or "").upper() or paren, found.start(found.lastindex or 0) + 1)
            )
            pos = found.end()
        self.at = 0

    def error(self, message: str) -> ValidationError:
        return ValidationError.field("logic", self.text, message)

    def peek(self) -> str | None:
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise self.error("ends too early")
        self.at += 1
        return str(token)

    def parse(self) -> Expr:
        if not self.tokens:
            raise self.error("is empty")
        expr = self.expr()
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()!r} at position {self.tokens[self.at][1]}")
        return expr

    def expr(self) -> Expr:
        items = [self.term()]
        while self.peek() == "OR":
            self.take()
            items.append(self.term())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def term(self) -> Expr:
        items = [self.factor()]
        while self.peek() == "AND":
            self.take()
            items.append(self.factor())
        return items[0] if len(items) == 1 else And(tuple(items))

    def factor(self) -> Expr:
        token = self.take()
        if token == "NOT":
            return Not(self.factor())
        if token == "(":
            inner = self.expr()
            if self.take() != ")":
                raise self.error("has an unclosed parenthesis")
            return inner
        if token.isdigit():
            n = int(token)
            if not 1 <= n <= self.count:
                raise self.error(
                    f"refers to criterion {n}; the rule has criteria 1 to {self.count}"
                )
            return Ref(n)
        raise self.error(f"expected a criterion number, NOT or '(' but found {token!r}")


def parse_logic(text: str, count: int) -> Expr:
    """Parse a logic expression over criteria `1..count` (`(1 AND 2) OR NOT 3`).

    `AND` binds tighter than `OR`; keywords are case-insensitive.

    Raises:
        ValidationError: at path `logic`, saying what is wrong and where.
    """
    return _Parser(text, count).parse()


def refs(expr: Expr) -> set[int]:
    """The criterion numbers an expression uses."""
    if isinstance(expr, Ref):
        return {expr.n}
    if isinstance(expr, Not):
        return refs(expr.item)
    return set().union(*(refs(i) for i in expr.items))


def default_logic(count: int) -> Expr:
    """Every criterion must hold: `1 AND 2 AND ...`."""
    return Ref(1) if count == 1 else And(tuple(Ref(n) for n in range(1, count + 1)))


def _criteria(criteria: Iterable[Criterion]) -> tuple[Criterion, ...]:
    return tuple(criteria)


@attrs.frozen
class Rule:
    """An assignment rule of a territory: numbered criteria and how they combine.

    Attributes:
        id: The rule's id, named in every error about it.
        criteria: Criterion 1, 2, ...
        logic: A boolean expression over the criterion numbers (`(1 AND 2) OR 3`); `None`
            means all must hold. Every criterion must appear in it.
        inherited: The territory's descendants match only accounts this rule (or another
            inherited rule of the same territory) matches too: say `country = GB` once on
            the UK and let the districts say only their postal codes.
    """

    id: RuleId = attrs.field(validator=non_blank)
    criteria: tuple[Criterion, ...] = attrs.field(converter=_criteria)
    logic: str | None = None
    inherited: bool = False

    def __attrs_post_init__(self) -> None:
        if not self.criteria:
            raise ValidationError.field("criteria", [], f"rule {self.id} has no criteria")
        for n, criterion in enumerate(self.criteria):
            try:
                criterion.check()
            except ValidationError as exc:
                raise self._naming(exc, f"criteria[{n}]", f"criterion {n + 1}") from None
        expr = self.expression()
        unused = set(range(1, len(self.criteria) + 1)) - refs(expr)
        if unused:
            raise ValidationError.field(
                "logic",
                self.logic,
                f"rule {self.id}: does not use criteria {', '.join(map(str, sorted(unused)))}",
            )

    def _naming(self, exc: ValidationError, path: str, where: str = "") -> ValidationError:
        """`exc` placed at `path`, each message starting with the rule (and `where` in it)."""
        label = f"rule {self.id}" + (f", {where}" if where else "")
        return ValidationError(
            attrs.evolve(e, message=f"{label}: {e.message}") for e in exc.prefixed(path).errors
        )

    def expression(self) -> Expr:
        """The parsed logic (all criteria ANDed when `logic` is `None`)."""
        if self.logic is None:
            return default_logic(len(self.criteria))
        try:
            return parse_logic(self.logic, len(self.criteria))
        except ValidationError as exc:
            raise self._naming(exc, "") from None

    def compile(self) -> Callable[[Facts], bool]:
        """A fast test of the whole rule against `Facts`."""
        tests = [c.compile() for c in self.criteria]
        return _compile_expr(self.expression(), tests)

    def matches(self, facts: Facts) -> bool:
        """True when the rule holds for `facts` (compiles each call: use `compile` in loops)."""
        return self.compile()(facts)


def _compile_expr(expr: Expr, tests: Sequence[Callable[[Facts], bool]]) -> Callable[[Facts], bool]:
    if isinstance(expr, Ref):
        return tests[expr.n - 1]
    if isinstance(expr, Not):
        inner = _compile_expr(expr.item, tests)
        return lambda f: not inner(f)
    parts = [_compile_expr(i, tests) for i in expr.items]
    if len(parts) == 2:  # the common case, without a generator per call
        first, second = parts
        if isinstance(expr, And):
            return lambda f: first(f) and second(f)
        return lambda f: first(f) or second(f)
    if isinstance(expr, And):
        return lambda f: all(p(f) for p in parts)
    return lambda f: any(p(f) for p in parts)
