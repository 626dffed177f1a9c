"""The assignment engine: which territory each account (or ship-to site) belongs to.

Building an `AssignmentEngine` checks the tree and compiles every rule once into an index keyed
by the values rules require (country, region, industry, segment, tier, customer group, tag,
exact postal code, postal prefix, the prefix a postal range implies). Assigning an account then
looks up the few candidate rules its own values can satisfy and evaluates only those, instead
of every rule; rules that require nothing indexable (only `not_in` or revenue bands) are
always evaluated.

Among the territories an account matches, the deepest wins, then the higher type priority; a
true tie raises `RuleError` naming the territories. Manual assignments win over every rule;
an excluded account never matches that territory by rule.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from wholesale_crm.accounts.model import Account, Site, SiteRole
from wholesale_crm.errors import RuleError
from wholesale_crm.ids import AccountId, SiteId, TerritoryId
from wholesale_crm.money import Money
from wholesale_crm.territories.model import AssignmentSource, Territory
from wholesale_crm.territories.rules import (
    And,
    Criterion,
    Expr,
    Facts,
    Not,
    Or,
    Ref,
    facts_of,
    postal_range,
)
from wholesale_crm.territories.tree import TerritoryTree

__all__ = [
    "Assignment",
    "AssignmentEngine",
    "AssignmentMode",
    "AssignmentResult",
    "Subject",
]


class AssignmentMode(enum.StrEnum):
    """What is assigned: whole accounts, or each ship-to site on its own."""

    ACCOUNT = "account"
    """One territory per account, from its primary address (default bill-to, else ship-to)."""
    SITE = "site"
    """One territory per ship-to site; an account without ship-to sites goes as a whole."""


@attrs.frozen(order=True)
class Subject:
    """What gets a territory: an account, or one ship-to site of it."""

    account_id: AccountId
    site_id: SiteId | None = None

    def __str__(self) -> str:
        return self.account_id + (f"/{self.site_id}" if self.site_id else "")


@attrs.frozen
class Assignment:
    """`subject` belongs to `territory_id`, put there by a rule or by hand."""

    subject: Subject
    territory_id: TerritoryId
    source: AssignmentSource = AssignmentSource.RULE


@attrs.frozen
class AssignmentResult:
    """The outcome of assigning a set of accounts.

    Attributes:
        assignments: One per subject that matched, ascending subject.
        unmatched: Subjects no territory matched, ascending.
    """

    assignments: tuple[Assignment, ...]
    unmatched: tuple[Subject, ...]

    def territory_of(
        self, account_id: AccountId, site_id: SiteId | None = None
    ) -> TerritoryId | None:
        """The territory assigned to the account (or its site), `None` if unmatched."""
        found = self.as_dict().get(Subject(account_id, site_id))
        return found.territory_id if found else None

    def as_dict(self) -> dict[Subject, Assignment]:
        """The assignments by subject."""
        return {a.subject: a for a in self.assignments}

    def counts(self) -> dict[TerritoryId, int]:
        """Number of subjects per territory, ascending territory id."""
        out: dict[TerritoryId, int] = {}
        for a in self.assignments:
            out[a.territory_id] = out.get(a.territory_id, 0) + 1
        return dict(sorted(out.items()))


Test = Callable[[Facts], bool]
Key = tuple[str, str]
"""An index key: (kind, normalised value); a kind is a rule field or `postal_prefix`."""

# Lower is more selective: used to pick which criterion of an AND guards the rule in the index.
_RANK = {
    "postal_code": 0,
    "postal_prefix": 0,
    "region": 2,
    "industry": 2,
    "segment": 2,
    "customer_group": 2,
    "tags": 2,
    "tier": 3,
    "country": 4,
}


def _criterion_guard(criterion: Criterion) -> list[Key] | None:
    """Keys one of which every account passing `criterion` has; `None` when not indexable."""
    if criterion.operator == "in":
        return [(criterion.field, k) for k in criterion.normalised()]
    if criterion.operator in ("prefix", "range"):
        if criterion.operator == "prefix":
            prefixes = criterion.normalised()
        else:
            prefixes = [postal_range(v).prefix for v in criterion.values]
        return None if "" in prefixes else [("postal_prefix", p) for p in prefixes]
    return None


def _rank(guard: list[Key]) -> tuple[int, int]:
    return max(_RANK[kind] for kind, _ in guard), len(guard)


def _guard(expr: Expr, criteria: Sequence[Criterion]) -> list[Key] | None:
    """Index keys that every account matching `expr` has at least one of, or `None`."""
    if isinstance(expr, Ref):
        return _criterion_guard(criteria[expr.n - 1])
    if isinstance(expr, Not):
        return None
    guards = [_guard(item, criteria) for item in expr.items]
    if isinstance(expr, And):
        usable = [g for g in guards if g is not None]
        return min(usable, key=_rank) if usable else None
    if isinstance(expr, Or) and all(g is not None for g in guards):
        return sorted({k for g in guards if g is not None for k in g})
    return None


@attrs.frozen
class _CompiledRule:
    territory_id: TerritoryId
    rule_id: str
    test: Test
    inherited: bool


_EXACT_KINDS = ("country", "region", "industry", "segment", "tier", "customer_group")


class _Index:
    """Rule numbers by the keys that guard them, plus the rules no key guards."""

    def __init__(self) -> None:
        self.postings: dict[str, dict[str, list[int]]] = {}
        self.always: list[int] = []
        self._exact: list[tuple[str, dict[str, list[int]]]] = []
        self._longest_prefix = 0

    def add(self, number: int, guard: list[Key] | None) -> None:
        if guard is None:
            self.always.append(number)
            return
        for kind, key in guard:
            if kind not in self.postings:
                self.postings[kind] = {}
                # Only the kinds present are probed by `candidates`.
                self._exact = [(k, self.postings[k]) for k in _EXACT_KINDS if k in self.postings]
            self.postings[kind].setdefault(key, []).append(number)
            if kind == "postal_prefix":
                self._longest_prefix = max(self._longest_prefix, len(key))

    def candidates(self, facts: Facts) -> set[int]:
        """Rules that `facts` may satisfy: every rule they have a guarding key of."""
        postings = self.postings
        found: set[int] = set(self.always)
        for kind, by_key in self._exact:
            hits = by_key.get(getattr(facts, kind))
            if hits:
                found.update(hits)
        by_tag = postings.get("tags")
        if by_tag is not None:
            for tag in facts.tags:
                hits = by_tag.get(tag)
                if hits:
                    found.update(hits)
        postal = facts.postal_code
        if postal:
            by_code = postings.get("postal_code")
            if by_code is not None and postal in by_code:
                found.update(by_code[postal])
            by_prefix = postings.get("postal_prefix")
            if by_prefix is not None:
                for end in range(1, min(len(postal), self._longest_prefix) + 1):
                    hits = by_prefix.get(postal[:end])
                    if hits:
                        found.update(hits)
        return found


class AssignmentEngine:
    """Compiled territories and rules, ready to assign any number of accounts.

    The index is partitioned by inheritance: the rules of territories below a territory with
    inherited rules sit in that territory's own index, consulted only for accounts its
    inherited rules match. So an account in Italy never looks at the French districts'
    postal codes, although both countries use five-digit codes.

    Args:
        territories: The whole tree (checked by `TerritoryTree`).

    Raises:
        RuleError: the tree is inconsistent, or one account is manually assigned to two
            territories (naming them).
    """

    def __init__(self, territories: Iterable[Territory]) -> None:
        self.tree = TerritoryTree(territories)
        nodes = list(self.tree)
        self._rank = {t.id: (self.tree.depth(t.id), t.type.priority) for t in nodes}
        self._excluded = {t.id: frozenset(t.excluded_accounts) for t in nodes}
        inherited = {t.id: [r.compile() for r in t.rules if r.inherited] for t in nodes}
        # For each territory, the ancestors whose inherited rules constrain it, nearest first.
        self._constraints: dict[TerritoryId, list[tuple[TerritoryId, list[Test]]]] = {
            t.id: [(a, inherited[a]) for a in self.tree.ancestors(t.id) if inherited[a]]
            for t in nodes
        }
        self._rules: list[_CompiledRule] = []
        self._indexes: dict[TerritoryId | None, _Index] = {}
        for territory in nodes:
            constraints = self._constraints[territory.id]
            index = self._indexes.setdefault(constraints[0][0] if constraints else None, _Index())
            for rule in sorted(territory.rules, key=lambda r: r.id):
                index.add(len(self._rules), _guard(rule.expression(), rule.criteria))
                self._rules.append(
                    _CompiledRule(territory.id, rule.id, rule.compile(), rule.inherited)
                )
        self._manual: dict[AccountId, TerritoryId] = {}
        for territory in nodes:
            for account_id in territory.manual_accounts:
                other = self._manual.setdefault(account_id, territory.id)
                if other != territory.id:
                    raise RuleError(
                        f"account {account_id} is manually assigned to both {other} and "
                        f"{territory.id}",
                        [other, territory.id, account_id],
                    )

    @property
    def rule_count(self) -> int:
        """Number of rules compiled."""
        return len(self._rules)

    @property
    def unindexed_rule_count(self) -> int:
        """Rules evaluated whenever their part of the tree is reached: nothing indexable."""
        return sum(len(i.always) for i in self._indexes.values())

    def matching(
        self, account_id: AccountId, facts: Facts, *, indexed: bool = True
    ) -> list[TerritoryId]:
        """Every territory whose rules match, best first (deepest, then highest priority).

        Exclusions and inherited rules are applied; manual assignments are not (see `assign`).
        `indexed=False` evaluates every rule instead of the index's candidates: the same
        answer, slower; it is there to check the index and to measure it.
        """
        own = self._own_indexed(facts) if indexed else self._own_naive(facts)
        matched = [t for t in own if account_id not in self._excluded[t]]
        return sorted(matched, key=lambda t: (-self._rank[t][0], -self._rank[t][1], t))

    def _own_indexed(self, facts: Facts) -> set[TerritoryId]:
        """Territories matched by rule: walk the indexes of the parts of the tree reached."""
        rules = self._rules
        matched: set[TerritoryId] = set()
        reached: list[TerritoryId | None] = [None]
        seen: set[TerritoryId | None] = {None}
        while reached:
            index = self._indexes.get(reached.pop())
            if index is None:
                continue
            for number in index.candidates(facts):
                rule = rules[number]
                if rule.test(facts):
                    matched.add(rule.territory_id)
                    if rule.inherited and rule.territory_id not in seen:
                        seen.add(rule.territory_id)
                        reached.append(rule.territory_id)
        return matched

    def _own_naive(self, facts: Facts) -> set[TerritoryId]:
        """Territories matched by rule, testing every rule and then every ancestor's."""
        own = {r.territory_id for r in self._rules if r.test(facts)}
        held: dict[TerritoryId, bool] = {}
        out: set[TerritoryId] = set()
        for territory in own:
            for ancestor, tests in self._constraints[territory]:
                if ancestor not in held:
                    held[ancestor] = any(test(facts) for test in tests)
                if not held[ancestor]:
                    break
            else:
                out.add(territory)
        return out

    def assign(
        self,
        accounts: Iterable[Account],
        *,
        revenue: Mapping[AccountId, Money] | None = None,
        mode: AssignmentMode = AssignmentMode.ACCOUNT,
        indexed: bool = True,
    ) -> AssignmentResult:
        """Assign every account (or ship-to site) to its territory.

        Args:
            accounts: The accounts, in any order.
            revenue: Trailing revenue per account, for rules on revenue bands.
            mode: Whole accounts, or each ship-to site.
            indexed: `False` evaluates every rule for every account (for checks and benchmarks).

        Raises:
            RuleError: some subjects match two or more territories equally deep and of equal
                priority; the message names them and `ids` holds the tied territories.
        """
        revenue = revenue or {}
        assignments: list[Assignment] = []
        unmatched: list[Subject] = []
        ties: list[tuple[Subject, list[TerritoryId]]] = []
        for account in accounts:
            amount = revenue.get(account.id)
            for subject, site in _subjects(account, mode):
                manual = self._manual.get(account.id)
                if manual is not None:
                    assignments.append(Assignment(subject, manual, AssignmentSource.MANUAL))
                    continue
                facts = facts_of(account, site, amount.amount if amount is not None else None)
                best = self._best(account.id, facts, indexed)
                if not best:
                    unmatched.append(subject)
                elif len(best) > 1:
                    ties.append((subject, best))
                else:
                    assignments.append(Assignment(subject, best[0]))
        if ties:
            ties.sort()
            shown = "; ".join(f"{s}: {', '.join(t)}" for s, t in ties[:5])
            more = f" (and {len(ties) - 5} more)" if len(ties) > 5 else ""
            raise RuleError(
                f"{len(ties)} account(s) match territories that tie on depth and type "
                f"priority: {shown}{more}",
                sorted({t for _, tied in ties for t in tied}),
            )
        assignments.sort(key=lambda a: (a.subject.account_id, a.subject.site_id or ""))
        unmatched.sort(key=lambda s: (s.account_id, s.site_id or ""))
        return AssignmentResult(tuple(assignments), tuple(unmatched))

    def _best(self, account_id: AccountId, facts: Facts, indexed: bool) -> list[TerritoryId]:
        own = self._own_indexed(facts) if indexed else self._own_naive(facts)
        best: list[TerritoryId] = []
        top = (-1, 0)
        for territory in own:
            if account_id in self._excluded[territory]:
                continue
            rank = self._rank[territory]
            if rank > top:
                best, top = [territory], rank
            elif rank == top:
                best.append(territory)
        return sorted(best)


def _subjects(account: Account, mode: AssignmentMode) -> list[tuple[Subject, Site | None]]:
    if mode == AssignmentMode.SITE:
        ship_to = [s for s in account.sites if s.role == SiteRole.SHIP_TO]
        if ship_to:
            return [(Subject(account.id, s.id), s) for s in sorted(ship_to, key=lambda s: s.id)]
    return [(Subject(account.id), None)]
