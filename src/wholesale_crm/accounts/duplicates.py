"""Duplicate detection: which existing accounts may be the same business as a new one.

A pair of accounts scores from four signals, each with a fixed weight, summed and kept within
0..1:

===========================  ==========================================================
signal                       contribution
===========================  ==========================================================
normalised name              0.6 x name similarity, when the similarity is at least 0.5
same VAT number              +0.6 (both set and different: -0.3, different legal entities)
shared email domain          +0.3 (contacts' domains; free-mail domains ignored)
shared postal code           +0.2 (sites' country and postal code)
===========================  ==========================================================

Name similarity is the Dice coefficient of the character bigrams of the normalised names
(`normalise_name`: accents, case, punctuation and legal forms such as Ltd or GmbH removed).
Every signal is symmetric, so `score(a, b) == score(b, a)`.

Screening does not compare a new account with every stored one: accounts are filed under
blocking keys, and only accounts sharing a key with the candidate are scored.

- *Strong* keys: the VAT number, each email domain, each postal code, and the name's set of
  bigrams. With the weights above, a pair can only reach 0.6 by sharing one of them (without a
  shared VAT number, domain or postal code, only identical name bigrams give 0.6), so for any
  threshold of 0.6 or more, screening on strong keys finds exactly what comparing with every
  account would.
- *Weak* keys: each name token and its first four letters (to catch a typo late in a word).
  They are needed only below 0.6, and a weak key shared by more than `max_block` accounts (a
  common word such as "foods") is skipped: it says little and would cost a lot.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

import attrs

from wholesale_crm.accounts.model import Account
from wholesale_crm.ids import AccountId

__all__ = [
    "COMPLETE_THRESHOLD",
    "FREE_MAIL_DOMAINS",
    "LEGAL_FORMS",
    "DuplicateCandidate",
    "DuplicateIndex",
    "blocking_keys",
    "find_duplicates",
    "name_tokens",
    "normalise_name",
    "score_pair",
    "screening_keys",
]

NAME_WEIGHT = 0.6
NAME_FLOOR = 0.5
VAT_WEIGHT = 0.6
VAT_CONFLICT = -0.3
DOMAIN_WEIGHT = 0.3
POSTCODE_WEIGHT = 0.2
PREFIX_LENGTH = 4
COMPLETE_THRESHOLD = 0.6
"""From this threshold up, the strong blocking keys alone find every candidate."""

LEGAL_FORMS: frozenset[str] = frozenset(
    {
        # UK and Ireland
        "ltd", "limited", "plc", "llp", "lp", "cic", "dac", "uc",
        # Americas
        "inc", "incorporated", "corp", "corporation", "llc", "co", "company",
        # German-speaking countries
        "gmbh", "ag", "kg", "ohg", "ug", "ev", "kgaa", "mbh",
        # France, Belgium, Luxembourg, Switzerland
        "sa", "sas", "sasu", "sarl", "eurl", "snc", "sca", "sprl", "srl", "scs",
        # Netherlands, Belgium
        "bv", "nv", "vof", "cv", "bvba",
        # Southern Europe
        "spa", "sl", "slu", "lda", "sapa", "scarl",
        # Nordics and Central Europe
        "ab", "as", "asa", "aps", "oy", "oyj", "sro", "kft", "spzoo", "zoo", "doo",
    }
)  # fmt: skip
"""Legal-form words dropped from the end of a name before comparing (`"Acme Ltd"` = `"ACME"`)."""

STOPWORDS: frozenset[str] = frozenset({"the", "and", "und", "et", "en", "y", "of"})
"""Connecting words that do not tell businesses apart (`"Smith & Sons"` = `"Smith and Sons"`)."""

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de",
        "yahoo.es", "yahoo.it", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de",
        "hotmail.es", "hotmail.it", "outlook.com", "outlook.de", "live.com", "live.co.uk",
        "live.fr", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "gmx.de", "gmx.net",
        "gmx.com", "gmx.at", "web.de", "t-online.de", "freenet.de", "orange.fr", "free.fr",
        "laposte.net", "wanadoo.fr", "sfr.fr", "btinternet.com", "sky.com", "virginmedia.com",
        "talktalk.net", "libero.it", "virgilio.it", "proton.me", "protonmail.com", "mail.com",
        "yandex.com", "zoho.com", "eircom.net", "ziggo.nl", "kpnmail.nl", "telenet.be",
        "skynet.be",
    }
)  # fmt: skip
"""Email domains anyone can sign up to: sharing one says nothing about being the same business."""

_DOTTED = re.compile(r"(?<=\w)\.(?=\w)")
_NON_WORD = re.compile(r"[^\w]+")
_NOT_POSTAL = re.compile(r"[^0-9A-Z]")


def _fold(text: str) -> str:
    """Lower case without accents (`"Müller"` -> `"muller"`)."""
    if text.isascii():  # most names: skip the Unicode decomposition
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_tokens(name: str) -> tuple[str, ...]:
    """The words of a business name that tell it apart, in order.

    Accents and case are folded, `&` reads as "and", dotted abbreviations close up (`S.A.` ->
    `sa`), punctuation splits words, connecting words go, and legal forms at the end go
    (repeatedly, so `"Müller GmbH & Co. KG"` gives `("muller",)`). A name made only of legal
    forms keeps them rather than vanishing.
    """
    folded = _fold(name).replace("&", " and ").replace("'", "").replace("\u2019", "")
    folded = _DOTTED.sub("", folded)
    words = [w for w in _NON_WORD.split(folded.replace("_", " ")) if w]
    tokens = [w for w in words if w not in STOPWORDS] or words
    end = len(tokens)
    while end > 1 and tokens[end - 1] in LEGAL_FORMS:
        end -= 1
    return tuple(tokens[:end])


def normalise_name(name: str) -> str:
    """`name_tokens` joined by single spaces: the form names are compared in."""
    return " ".join(name_tokens(name))


def _bigrams(tokens: Iterable[str]) -> frozenset[str]:
    grams: set[str] = set()
    for token in tokens:
        if len(token) == 1:
            grams.add(token)
        grams.update(token[i : i + 2] for i in range(len(token) - 1))
    return frozenset(grams)


def _email_domains(account: Account) -> frozenset[str]:
    domains = {c.email.rsplit("@", 1)[1].lower() for c in account.contacts if c.email}
    return frozenset(domains - FREE_MAIL_DOMAINS)


def _postal_key(country: str, postal_code: str) -> str:
    return f"{country} {_NOT_POSTAL.sub('', postal_code.upper())}"


def _postal_codes(account: Account) -> frozenset[str]:
    return frozenset(
        _postal_key(s.address.country, s.address.postal_code)
        for s in account.sites
        if s.address.postal_code.strip()
    )


@attrs.frozen
class _Profile:
    """What scoring needs from an account, computed once."""

    id: AccountId
    tokens: tuple[str, ...]
    bigrams: frozenset[str]
    vat: str | None
    domains: frozenset[str]
    postal_codes: frozenset[str]

    @classmethod
    def of(cls, account: Account) -> _Profile:
        tokens = name_tokens(account.name)
        return cls(
            account.id,
            tokens,
            _bigrams(tokens),
            account.vat_number,
            _email_domains(account),
            _postal_codes(account),
        )

    def strong_keys(self) -> set[str]:
        keys = {"grams:" + " ".join(sorted(self.bigrams))} if self.bigrams else set()
        if self.vat:
            keys.add(f"vat:{self.vat}")
        keys.update(f"email:{d}" for d in self.domains)
        keys.update(f"postal:{p}" for p in self.postal_codes)
        return keys

    def weak_keys(self) -> set[str]:
        keys = {f"name:{t}" for t in self.tokens}
        keys.update(f"prefix:{t[:PREFIX_LENGTH]}" for t in self.tokens if len(t) > PREFIX_LENGTH)
        return keys


def blocking_keys(account: Account) -> list[str]:
    """Every key `account` is filed under for screening, sorted (`"name:brightwell"`, ...).

    Strong keys: `grams:` (the name's bigram set), `vat:`, `email:`, `postal:`; weak keys:
    `name:` (each token) and `prefix:` (its first four letters). See the module docstring.
    """
    profile = _Profile.of(account)
    return sorted(profile.strong_keys() | profile.weak_keys())


def screening_keys(account: Account, *, threshold: float = COMPLETE_THRESHOLD) -> list[str]:
    """The keys to look up when screening `account` at `threshold`, sorted.

    The strong keys only from `COMPLETE_THRESHOLD` up (they are complete there); the weak
    keys as well below it.
    """
    profile = _Profile.of(account)
    keys = profile.strong_keys()
    if threshold < COMPLETE_THRESHOLD:
        keys |= profile.weak_keys()
    return sorted(keys)


@attrs.frozen
class DuplicateCandidate:
    """An existing account that may be the same business.

    Attributes:
        account_id: The existing account.
        score: 0..1, rounded to 3 decimals; see the module docstring for how it is made.
        reasons: The signals that matched, readable (`"same VAT number GB123456789"`).
    """

    account_id: AccountId
    score: float
    reasons: tuple[str, ...]


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b))


def _score(a: _Profile, b: _Profile) -> tuple[float, tuple[str, ...]]:
    total = 0.0
    reasons: list[str] = []
    if not a.tokens or not b.tokens:  # a name of punctuation only: nothing to compare
        similarity = 0.0
    else:
        similarity = 1.0 if a.tokens == b.tokens else _dice(a.bigrams, b.bigrams)
    if similarity >= NAME_FLOOR:
        total += NAME_WEIGHT * similarity
        reasons.append("same name" if similarity == 1.0 else f"similar name ({similarity:.2f})")
    if a.vat and b.vat:
        if a.vat == b.vat:
            total += VAT_WEIGHT
            reasons.append(f"same VAT number {a.vat}")
        else:
            total += VAT_CONFLICT
            reasons.append(f"different VAT numbers {min(a.vat, b.vat)} / {max(a.vat, b.vat)}")
    if shared := sorted(a.domains & b.domains):
        total += DOMAIN_WEIGHT
        reasons.append(f"shared email domain {', '.join(shared)}")
    if shared := sorted(a.postal_codes & b.postal_codes):
        total += POSTCODE_WEIGHT
        reasons.append(f"shared postal code {', '.join(shared)}")
    return round(min(1.0, max(0.0, total)), 3), tuple(reasons)


def score_pair(a: Account, b: Account) -> DuplicateCandidate:
    """Score `b` as a possible duplicate of `a` (the same score as `a` against `b`)."""
    score, reasons = _score(_Profile.of(a), _Profile.of(b))
    return DuplicateCandidate(b.id, score, reasons)


class DuplicateIndex:
    """Existing accounts filed under their blocking keys, for fast repeated screening.

    Build it once over the stored accounts (`DuplicateIndex(accounts)`), keep it current with
    `add` and `remove`, and pass it to `find_duplicates` in place of the account list.

    Args:
        accounts: The accounts to file.
        max_block: Weak keys (name words) shared by more accounts than this are not used to
            find candidates; strong keys are always used.
    """

    def __init__(self, accounts: Iterable[Account] = (), *, max_block: int = 500) -> None:
        self.max_block = max_block
        self._accounts: dict[AccountId, Account] = {}
        self._profiles: dict[AccountId, _Profile] = {}
        self._postings: dict[str, set[AccountId]] = {}
        for account in accounts:
            self.add(account)

    def __len__(self) -> int:
        return len(self._accounts)

    def __iter__(self) -> Iterator[Account]:
        return (self._accounts[id] for id in sorted(self._accounts))

    def add(self, account: Account) -> None:
        """File `account` (replacing an earlier version with the same id)."""
        self.remove(account.id)
        profile = _Profile.of(account)
        self._accounts[account.id] = account
        self._profiles[account.id] = profile
        for key in profile.strong_keys() | profile.weak_keys():
            self._postings.setdefault(key, set()).add(account.id)

    def remove(self, account_id: AccountId) -> None:
        """Take an account out of the index; unknown ids are ignored."""
        profile = self._profiles.pop(account_id, None)
        if profile is None:
            return
        del self._accounts[account_id]
        for key in profile.strong_keys() | profile.weak_keys():
            ids = self._postings[key]
            ids.discard(account_id)
            if not ids:
                del self._postings[key]

    def screen(self, candidate: Account, *, threshold: float = 0.6) -> list[DuplicateCandidate]:
        """Accounts scoring at least `threshold` against `candidate`; see `find_duplicates`."""
        profile = _Profile.of(candidate)
        ids: set[AccountId] = set()
        for key in profile.strong_keys():
            ids.update(self._postings.get(key, ()))
        if threshold < COMPLETE_THRESHOLD:
            for key in profile.weak_keys():
                posting = self._postings.get(key, ())
                if len(posting) <= self.max_block:
                    ids.update(posting)
        ids.discard(candidate.id)
        found = []
        for id in ids:
            score, reasons = _score(profile, self._profiles[id])
            if score >= threshold:
                found.append(DuplicateCandidate(id, score, reasons))
        return sorted(found, key=lambda c: (-c.score, c.account_id))


def find_duplicates(
    candidate: Account, existing: Iterable[Account], *, threshold: float = 0.6
) -> list[DuplicateCandidate]:
    """Existing accounts that may be the same business as `candidate`, best first.

    Args:
        candidate: The account being created (or checked).
        existing: The accounts to screen against: any iterable, or a prepared `DuplicateIndex`
            (much faster when screening many candidates against the same accounts).
        threshold: The lowest score reported (0..1).

    Returns:
        Candidates with `score >= threshold`, by score descending then id; `candidate` itself
        (same id) is never reported.
    """
    index = existing if isinstance(existing, DuplicateIndex) else DuplicateIndex(existing)
    return index.screen(candidate, threshold=threshold)
