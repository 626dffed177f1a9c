"""Sample accounts: about forty fictional UK and EU food-service and retail businesses.

Every name, address line, person and VAT number is invented; cities, ISO 3166-2 regions and the
shape of each country's postal codes are real so that territory rules have something to match.
The set holds:

- a buying group (`ACC-001`, Unity Independent Grocers) with eight member shops, each with its
  own credit line or the `independent-uk` customer group's;
- a UK head office (`ACC-010`, Harbour Kitchen Group) with five restaurant branches that share
  its credit line, and a German one (`ACC-020`, Rheinland Gastro) with three;
- independent hotels, cafés, caterers, schools and care homes across GB, IE, DE, FR, NL, BE, ES;
- one prospect (`ACC-041`) that duplicates an existing caterer (`ACC-030`), for the duplicate
  screening demo.

Payment terms follow the customer group (chains end of month + 30, public sector net 30,
UK independents 2/7 net 14, EU independents net 30). The seed decides tiers of the
independents, contact names, phone numbers and postal-code details; the structure above is
the same for every seed.
"""

from __future__ import annotations

import random
import unicodedata

import attrs

from wholesale_crm.accounts.model import (
    Account,
    AccountStatus,
    Address,
    Contact,
    ContactRole,
    Site,
    SiteRole,
    Tier,
)
from wholesale_crm.accounts.terms import EarlyPaymentDiscount, EndOfMonth, NetDays, PaymentTerms
from wholesale_crm.ids import AccountId, ContactId, SiteId
from wholesale_crm.money import Money

__all__ = ["CREDIT_GROUP_LIMITS", "build"]

CREDIT_GROUP_LIMITS: dict[str, Money] = {
    "buying-group": Money("8000", "GBP"),
    "independent-uk": Money("5000", "GBP"),
    "independent-eu": Money("6000", "EUR"),
    "public-sector": Money("20000", "GBP"),
}
"""Credit limits of the sample customer groups, for `CreditPolicy(CREDIT_GROUP_LIMITS)`."""

# city -> (country, ISO 3166-2 region, postal-code maker key, locale, time zone)
_CITIES: dict[str, tuple[str, str, str, str, str]] = {
    "London": ("GB", "GB-LND", "uk:EC1V SE1 N1 W1F E2", "en_GB", "Europe/London"),
    "Leicester": ("GB", "GB-LCE", "uk:LE1 LE2 LE3", "en_GB", "Europe/London"),
    "Manchester": ("GB", "GB-MAN", "uk:M1 M4 M15", "en_GB", "Europe/London"),
    "Leeds": ("GB", "GB-LDS", "uk:LS1 LS2 LS6", "en_GB", "Europe/London"),
    "Bristol": ("GB", "GB-BST", "uk:BS1 BS2 BS8", "en_GB", "Europe/London"),
    "Birmingham": ("GB", "GB-BIR", "uk:B1 B5 B16", "en_GB", "Europe/London"),
    "Edinburgh": ("GB", "GB-EDH", "uk:EH1 EH3 EH6", "en_GB", "Europe/London"),
    "Glasgow": ("GB", "GB-GLG", "uk:G1 G2 G12", "en_GB", "Europe/London"),
    "Cardiff": ("GB", "GB-CRF", "uk:CF10 CF11 CF24", "en_GB", "Europe/London"),
    "Dublin": ("IE", "IE-D", "ie:D02 D04 D08", "en_IE", "Europe/Dublin"),
    "Berlin": ("DE", "DE-BE", "de:10115-10119", "de_DE", "Europe/Berlin"),
    "Hamburg": ("DE", "DE-HH", "de:20095-20099", "de_DE", "Europe/Berlin"),
    "Köln": ("DE", "DE-NW", "de:50667-50679", "de_DE", "Europe/Berlin"),
    "München": ("DE", "DE-BY", "de:80331-80339", "de_DE", "Europe/Berlin"),
    "Paris": ("FR", "FR-IDF", "fr:75001-75020", "fr_FR", "Europe/Paris"),
    "Lyon": ("FR", "FR-ARA", "fr:69001-69009", "fr_FR", "Europe/Paris"),
    "Amsterdam": ("NL", "NL-NH", "nl:1011-1019", "nl_NL", "Europe/Amsterdam"),
    "Rotterdam": ("NL", "NL-ZH", "nl:3011-3015", "nl_NL", "Europe/Amsterdam"),
    "Bruxelles": ("BE", "BE-BRU", "be:1000-1000", "fr_BE", "Europe/Brussels"),
    "Madrid": ("ES", "ES-MD", "es:28001-28015", "es_ES", "Europe/Madrid"),
}

_UK_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_STREETS = ("High Street", "Market Place", "Station Road", "Mill Lane", "Church Street")
_FIRST = ("Amira", "Ben", "Chloe", "Dariusz", "Elena", "Fergus", "Greta", "Hamza", "Ines", "Jonas")
_LAST = ("Okafor", "Byrne", "Schmidt", "Lefèvre", "de Vries", "García", "Kowalski", "Patel")
_DOMAIN_END = {"GB": "co.uk", "IE": "ie", "DE": "de", "FR": "fr", "NL": "nl", "BE": "be"}

# (n, name, city, customer group, industry, segment, parent n, own limit, shares credit, tier)
_Row = tuple[int, str, str, str, str, str, int | None, str | None, bool, str | None]
_ROWS: tuple[_Row, ...] = (
    (1, "Unity Independent Grocers", "Leeds", "buying-group", "grocery", "buying group",
     None, None, False, "A"),
    (2, "Patel's Corner Store", "Leicester", "independent-uk", "grocery", "convenience",
     1, "3000", False, None),
    (3, "Hollybank Village Stores", "Leeds", "independent-uk", "grocery", "convenience",
     1, None, False, None),
    (4, "McAllister Provisions", "Glasgow", "independent-uk", "grocery", "convenience",
     1, "4500", False, None),
    (5, "The Larder at Kirkstall", "Leeds", "independent-uk", "grocery", "delicatessen",
     1, None, False, None),
    (6, "Penrose Farm Shop", "Bristol", "independent-uk", "grocery", "farm shop",
     1, None, False, None),
    (7, "Greenway Convenience", "Manchester", "independent-uk", "grocery", "convenience",
     1, "2500", False, None),
    (8, "Thistle & Rose Foods", "Edinburgh", "independent-uk", "grocery", "delicatessen",
     1, None, False, None),
    (9, "Cwtch General Store", "Cardiff", "independent-uk", "grocery", "convenience",
     1, None, False, None),
    (10, "Harbour Kitchen Group Ltd", "London", "chain-uk", "restaurants", "chain",
     None, "60000", False, "A"),
    (11, "Harbour Kitchen Shoreditch", "London", "chain-uk", "restaurants", "chain",
     10, None, True, None),
    (12, "Harbour Kitchen Southbank", "London", "chain-uk", "restaurants", "chain",
     10, None, True, None),
    (13, "Harbour Kitchen Ancoats", "Manchester", "chain-uk", "restaurants", "chain",
     10, None, True, None),
    (14, "Harbour Kitchen Clifton", "Bristol", "chain-uk", "restaurants", "chain",
     10, None, True, None),
    (15, "Harbour Kitchen Leith", "Edinburgh", "chain-uk", "restaurants", "chain",
     10, None, True, None),
    (16, "Harbour Kitchen Commissary", "Birmingham", "chain-uk", "restaurants", "chain",
     10, None, True, None),
    (20, "Rheinland Gastro GmbH", "Köln", "chain-eu", "restaurants", "chain",
     None, "45000", False, "A"),
    (21, "Rheinland Gastro Altstadt", "Köln", "chain-eu", "restaurants", "chain",
     20, None, True, None),
    (22, "Rheinland Gastro Hafencity", "Hamburg", "chain-eu", "restaurants", "chain",
     20, None, True, None),
    (23, "Rheinland Gastro Schwabing", "München", "chain-eu", "restaurants", "chain",
     20, None, True, None),
    (24, "Hotel Seeblick Berlin GmbH", "Berlin", "independent-eu", "hotels", "independent",
     None, "12000", False, "B"),
    (25, "Brasserie Lumière SARL", "Paris", "independent-eu", "restaurants", "independent",
     None, None, False, None),
    (26, "Café des Canuts", "Lyon", "independent-eu", "cafes", "independent",
     None, None, False, None),
    (27, "De Gouden Lepel B.V.", "Amsterdam", "independent-eu", "restaurants", "independent",
     None, "7500", False, None),
    (28, "Havenkeuken Rotterdam", "Rotterdam", "independent-eu", "catering", "contract",
     None, None, False, None),
    (29, "Maison Verhaegen SPRL", "Bruxelles", "independent-eu", "hotels", "independent",
     None, None, False, None),
    (30, "Brightwell Catering Ltd", "Birmingham", "independent-uk", "catering", "contract",
     None, "15000", False, "B"),
    (31, "Liffey Bay Hotel", "Dublin", "independent-eu", "hotels", "independent",
     None, "9000", False, None),
    (32, "Taberna El Olivo S.L.", "Madrid", "independent-eu", "restaurants", "independent",
     None, None, False, None),
    (33, "St Aidan's Academy Trust", "Manchester", "public-sector", "education", "schools",
     None, None, False, "B"),
    (34, "Meadowview Care Homes", "Leeds", "public-sector", "healthcare", "care homes",
     None, "25000", False, "A"),
    (35, "Northgate Coffee Roasters", "Manchester", "independent-uk", "cafes", "independent",
     None, None, False, None),
    (36, "The Anchor Inn", "Bristol", "independent-uk", "pubs", "independent",
     None, None, False, None),
    (37, "Kelvin Street Kitchen", "Glasgow", "independent-uk", "restaurants", "independent",
     None, None, False, None),
    (38, "Bayview Hotel Cardiff Limited", "Cardiff", "independent-uk", "hotels", "independent",
     None, "10000", False, None),
    (39, "Saffron & Sage Deli", "London", "independent-uk", "grocery", "delicatessen",
     None, None, False, None),
    (40, "University of Leeds Catering", "Leeds", "public-sector", "education", "universities",
     None, "30000", False, "A"),
    (41, "Brightwell Catering Limited", "Birmingham", "independent-uk", "catering", "contract",
     None, None, False, None),
    (42, "Boulangerie Marchand", "Paris", "independent-eu", "bakeries", "independent",
     None, None, False, None),
    (43, "Kaffeehaus Elbblick", "Hamburg", "independent-eu", "cafes", "independent",
     None, "4000", False, None),
)  # fmt: skip

_PROSPECTS = {26, 32, 41}
_TWIN, _DUPLICATE = AccountId("ACC-030"), 41
_DORMANT = {36}
_STRATEGIC = {10, 34}


def _postal_code(rng: random.Random, maker: str) -> str:
    kind, spec = maker.split(":")
    if kind == "uk":
        outward = rng.choice(spec.split())
        return f"{outward} {rng.randint(1, 9)}{rng.choice(_UK_LETTERS)}{rng.choice(_UK_LETTERS)}"
    if kind == "ie":
        unique = rng.choice("ACDEFHKNPRTVWXY") + "".join(str(rng.randint(0, 9)) for _ in range(3))
        return f"{rng.choice(spec.split())} {unique}"
    low, high = (int(x) for x in spec.split("-"))
    number = rng.randint(low, high)
    if kind == "nl":
        return f"{number} {rng.choice('ABCDEGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}"
    if kind == "be":
        return str(number)
    return f"{number:05d}"


def _address(rng: random.Random, city: str) -> Address:
    country, region, maker, _, _ = _CITIES[city]
    line1 = f"{rng.randint(1, 180)} {rng.choice(_STREETS)}"
    return Address(country, _postal_code(rng, maker), region, city, line1)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch == "."))


def _slug(name: str) -> str:
    return _ascii(name).replace(".", "")[:18]


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(count))


def _vat(rng: random.Random, country: str) -> str:
    """A made-up VAT number in the country's usual shape."""
    if country == "FR":
        return f"FR{_digits(rng, 11)}"
    if country == "NL":
        return f"NL{_digits(rng, 9)}B01"
    if country == "BE":
        return f"BE0{_digits(rng, 9)}"
    if country == "IE":
        return f"IE{_digits(rng, 7)}{rng.choice('ABCDEFHW')}"
    if country == "ES":
        return f"ESB{_digits(rng, 8)}"
    return f"{country}{_digits(rng, 9)}"


def _contacts(rng: random.Random, account_id: str, domain: str) -> list[Contact]:
    roles = [ContactRole.BUYER, ContactRole.ACCOUNTS_PAYABLE, ContactRole.OWNER]
    out = []
    count = rng.randint(1, 3)
    names = zip(rng.sample(_FIRST, count), rng.sample(_LAST, count), strict=True)
    for i, (first, last) in enumerate(names):
        local = _ascii(f"{first}.{last}")
        # Some small businesses run on a free-mail address; duplicate screening ignores those.
        email_domain = "gmail.com" if rng.random() < 0.15 else domain
        out.append(
            Contact(
                ContactId(f"{account_id}-C{i + 1}"),
                f"{first} {last}",
                roles[i],
                f"{local}@{email_domain}",
                f"+{rng.randint(30, 49)} {rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                primary=i == 0,
            )
        )
    return out


# Payment terms by customer group: chains pay at month end + 30, the public sector net 30,
# independents net 14 (UK shops may take 2% off within 7 days: "2/7 net 14").
_TERMS: dict[str, PaymentTerms] = {
    "buying-group": NetDays(14, EarlyPaymentDiscount(2, 7)),
    "independent-uk": NetDays(14, EarlyPaymentDiscount(2, 7)),
    "independent-eu": NetDays(30),
    "chain-uk": EndOfMonth(30),
    "chain-eu": EndOfMonth(30),
    "public-sector": NetDays(30),
}


def _status(n: int) -> AccountStatus:
    if n in _PROSPECTS:
        return AccountStatus.PROSPECT
    return AccountStatus.DORMANT if n in _DORMANT else AccountStatus.ACTIVE


def build(rng: random.Random) -> list[Account]:
    """Build the sample accounts (ascending id); the same `rng` state gives the same accounts."""
    accounts: list[Account] = []
    domains: dict[str, str] = {}
    for n, name, city, group, industry, segment, parent, limit, shares, tier in _ROWS:
        id = AccountId(f"ACC-{n:03d}")
        country, _, _, locale, tz = _CITIES[city]
        currency = "GBP" if country == "GB" else "EUR"
        bill_to = _address(rng, city)
        sites = [
            Site(SiteId(f"{id}-B1"), SiteRole.BILL_TO, bill_to, "Accounts", is_default=True),
            Site(SiteId(f"{id}-S1"), SiteRole.SHIP_TO, bill_to, "Main", is_default=True),
        ]
        if rng.random() < 0.3:
            sites.append(Site(SiteId(f"{id}-S2"), SiteRole.SHIP_TO, _address(rng, city), "Depot"))
        domains[id] = f"{_slug(name)}.{_DOMAIN_END.get(country, 'eu')}"
        # Branches trade under their head office's VAT registration: they carry none of their own.
        vat = _vat(rng, country) if n % 7 and not shares else None
        contacts = _contacts(rng, id, domains[id])
        if n == _DUPLICATE:
            # The same caterer keyed in again: its twin's VAT number, email domain and address.
            twin = next(a for a in accounts if a.id == _TWIN)
            vat = twin.vat_number
            sites = [attrs.evolve(s, id=SiteId(s.id.replace(_TWIN, id))) for s in twin.sites[:2]]
            contacts = [
                Contact(ContactId(f"{id}-C1"), "Ines Patel", email=f"ines.patel@{domains[_TWIN]}")
            ]
        accounts.append(
            Account(
                id,
                name,
                legal_name=name,
                vat_number=vat,
                status=_status(n),
                customer_group=group,
                industry=industry,
                segment=segment,
                tags=["buying-group-member"] if parent == 1 else [],
                currency=currency,
                locale=locale,
                timezone=tz,
                tier=Tier(tier) if tier else rng.choice([Tier.B, Tier.C, Tier.C, None]),
                strategic=n in _STRATEGIC,
                parent_id=AccountId(f"ACC-{parent:03d}") if parent else None,
                credit_limit=Money(limit, currency) if limit else None,
                shares_credit_with_group=shares,
                payment_terms=_TERMS[group],
                sites=sites,
                contacts=contacts,
            )
        )
    return sorted(accounts, key=lambda a: a.id)
