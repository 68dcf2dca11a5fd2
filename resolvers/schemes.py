"""A company's eligibility to the catalogue's schemes, and aid estimates.

Verdicts are computed from tier-2 data (turnover, headcount, balance sheets, certificates),
so they are tier 2 themselves (derived data, docs/visibility.md): ``eligibility`` refuses a viewer
without tier-2 access to the company before it reads anything, with the same answer
whether the company is registered or not."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from cachetools import LRUCache

from auth.tiers import Tier
from connectors.calendar import hub_today
from connectors.catalogues import Catalogue
from connectors.catalogues.models import AidKind, Scheme
from connectors.errors import ConnectorError
from resolvers.aid_estimate import AidEstimate, estimate_aid
from resolvers.aid_estimate_inputs import EstimateInputError, Expense, UnknownScheme
from resolvers.aid_refusals import bad_user_input
from resolvers.aid_schemes import RULES
from resolvers.aids_received import ReceivedAid, aids_received
from resolvers.catalogue import SchemeQuery, catalogue, find_scheme
from resolvers.company import find_company
from resolvers.company_profile import company_profile
from resolvers.context import Info
from resolvers.de_minimis import (
    CEILINGS,
    DEFAULT_REGULATION,
    DeMinimisSummary,
    regulation_named,
    summarise,
)
from resolvers.eligibility import evaluate, evaluate_all, with_de_minimis
from resolvers.eligibility_records import (
    Answers,
    CompanyProfile,
    Ownership,
    SchemeVerdict,
    SchemeVerdicts,
    Verdict,
)
from resolvers.errors import BAD_USER_INPUT, FORBIDDEN, coded_error
from resolvers.siret import validate_siret

__all__ = [
    "OwnershipValue",
    "answers",
    "de_minimis",
    "eligibility",
    "eligible_schemes",
    "estimate",
]

_TIER2_REFUSAL = (
    "Reserved to the company's referent, its structure (tier 2) and the company itself."
)
_ORDER = {Verdict.ELIGIBLE: 0, Verdict.UNKNOWN: 1, Verdict.NOT_ELIGIBLE: 2}

OwnershipValue = tuple[float, float, int, int | None]
"""(share, staff, turnover, balance-sheet total) as the client sent them."""


def answers(
    *,
    staff: float | None = None,
    turnover: int | None = None,
    balance_sheet_total: int | None = None,
    ownership: Sequence[OwnershipValue] | None = None,
    market_income_share: float | None = None,
    ei_ea_agreement: bool | None = None,
    certified_accounts: bool | None = None,
) -> Answers:
    """The user's answers, checked: ``BAD_USER_INPUT`` names a figure no company can have."""
    _not_negative("answers.staff", staff)
    _not_negative("answers.turnover", turnover)
    _not_negative("answers.balanceSheetTotal", balance_sheet_total)
    holdings = None
    if ownership is not None:
        holdings = []
        for index, (share, held_staff, held_turnover, held_balance) in enumerate(ownership):
            where = f"answers.ownership[{index}]"
            _share(f"{where}.share", share)
            _not_negative(f"{where}.staff", held_staff)
            _not_negative(f"{where}.turnover", held_turnover)
            _not_negative(f"{where}.balanceSheetTotal", held_balance)
            holdings.append(Ownership(Decimal(str(share)), held_staff, held_turnover, held_balance))
    _share("answers.marketIncomeShare", market_income_share)
    return Answers(
        staff=staff,
        turnover=turnover,
        balance_sheet_total=balance_sheet_total,
        ownership=tuple(holdings) if holdings is not None else None,
        market_income_share=(
            Decimal(str(market_income_share)) if market_income_share is not None else None
        ),
        ei_ea_agreement=ei_ea_agreement,
        certified_accounts=certified_accounts,
    )


def _not_negative(argument: str, value: float | None) -> None:
    if value is not None and not 0 <= value < 1e13:
        raise coded_error(
            f"`{argument}` must be a positive figure; it was {value}.",
            BAD_USER_INPUT,
            argument=argument,
        )


def _share(argument: str, value: float | None) -> None:
    if value is not None and not 0 <= value <= 1:
        raise coded_error(
            f"`{argument}` is a share between 0 and 1 (0.3 for 30 %); it was {value}.",
            BAD_USER_INPUT,
            argument=argument,
        )


async def _require_tier2(info: Info, raw_siret: str) -> str:
    """The field's ``ReadsCompany(argument="siret", tier=TIER2)``: checked, and audited."""
    siret = validate_siret(raw_siret)
    if not await info.context.granted_company_tier(siret, Tier.TIER2, info.field_name):
        raise coded_error(_TIER2_REFUSAL, FORBIDDEN)
    return await find_company(info, siret)


async def eligible_schemes(info: Info, siret: str, query: SchemeQuery) -> SchemeVerdicts:
    """Every scheme of the filter, ELIGIBLE first, then UNKNOWN, then NOT_ELIGIBLE (by title
    within each), a de minimis scheme checked against the company's headroom; named by the
    cached verdicts' generation and the filter, which decide them (``kept_as``). The field's
    tier is checked by its permission before this runs."""
    profile, aids = await asyncio.gather(company_profile(info, siret), aids_received(info, siret))
    found = await catalogue(info)  # read by aids_received: its one Catalogue, not a second
    today = hub_today()
    evaluation = _all_verdicts(found, profile, tuple(aids), today)
    verdicts, query = evaluation.verdicts, query.normalised()
    if not query.everything:
        verdicts = tuple(v for v in verdicts if query.matches(v.scheme, today))
    return SchemeVerdicts(verdicts, kept_as=(evaluation.generation, query))


def _against_ceilings(
    aids: Sequence[ReceivedAid], today: date
) -> dict[str, DeMinimisSummary[ReceivedAid]]:
    """The company's aids against each de minimis ceiling the hub knows, by regulation."""
    return {name: summarise(aids, regulation, today) for name, regulation in CEILINGS.items()}


def _de_minimis_checked(
    verdict: SchemeVerdict, received: dict[str, DeMinimisSummary[ReceivedAid]]
) -> SchemeVerdict:
    """The verdict, with the de minimis criterion when its scheme is granted under a de
    minimis regulation (``received``: the company's aids against each ceiling)."""
    named = verdict.scheme.de_minimis_regulation
    if named is None:
        return verdict
    regulation = regulation_named(named)
    summary = received.get(regulation.name) if regulation is not None else None
    return with_de_minimis(verdict, summary, _most_granted(verdict.scheme))


def _most_granted(scheme: Scheme) -> int | None:
    """The most the scheme grants a company, when the hub knows it: its funding rules' aid
    cap (Pays de la Loire: €15,000) or flat amount (France Num: €500), else the catalogue's
    flat amount; None otherwise (Industrie du futur pays a share of its expenses)."""
    rules = RULES.get(scheme.id)
    if rules is not None:
        if rules.aid_cap is not None:
            return int(rules.aid_cap.value)
        flats = [phase.flat.value for phase in rules.phases if phase.flat is not None]
        if flats and len(flats) == len(rules.phases):
            return int(sum(flats))
    return scheme.flat_amount


_VerdictsKey = tuple[int, CompanyProfile, tuple[ReceivedAid, ...], date]


@dataclass(frozen=True, slots=True)
class _Evaluation:
    """A company's verdicts on the whole catalogue, and the number they were given when
    computed (``_GENERATIONS``: never given again), which names them."""

    generation: int
    verdicts: tuple[SchemeVerdict, ...]


_VERDICTS: LRUCache[_VerdictsKey, _Evaluation] = LRUCache(maxsize=200)
"""A company's verdicts on the whole catalogue, de minimis criterion included, in answer
order. They are a pure function of the catalogue (its version), the company's profile, the
aids it received and the day: everything in the key is a frozen value (the profile and each
aid are frozen dataclasses, the aids a tuple), compared by value, so the same four give the
same verdicts and a warm request evaluates nothing; a newly received aid is a new key. Verdicts
are frozen and kept in a tuple: callers read them and never change them."""


def _all_verdicts(
    found: Catalogue, profile: CompanyProfile, aids: tuple[ReceivedAid, ...], today: date
) -> _Evaluation:
    key = (found.version, profile, aids, today)
    cached = _VERDICTS.get(key)
    if cached is not None:
        return cached
    verdicts = evaluate_all(found.schemes, profile, Answers(), today, found.criterion_keys)
    verdicts.sort(key=lambda v: (v.scheme.title.casefold(), v.scheme.id))
    received = _against_ceilings(aids, today)
    checked = [_de_minimis_checked(verdict, received) for verdict in verdicts]
    checked.sort(key=lambda v: _ORDER[v.verdict])  # stable: by title within each
    generation = next(_GENERATIONS)
    _VERDICTS[key] = answer = _Evaluation(
        generation,
        tuple(replace(v, kept_as=(generation, place)) for place, v in enumerate(checked)),
    )
    return answer


_GENERATIONS = itertools.count()
"""Each computed tuple of verdicts gets a number of its own, never given again: with a
verdict's place in it, it names that verdict's content (``SchemeVerdict.kept_as``), which
the compiled execution keeps its answer by."""


async def eligibility(
    info: Info, raw_siret: str, scheme_id: str, given: Answers | None
) -> SchemeVerdict:
    siret = await _require_tier2(info, raw_siret)
    scheme = await find_scheme(info, scheme_id)
    if scheme.de_minimis_regulation is None:
        profile = await company_profile(info, siret)
        return evaluate(scheme, profile, given or Answers(), hub_today())
    profile, aids = await asyncio.gather(company_profile(info, siret), aids_received(info, siret))
    today = hub_today()
    received = _against_ceilings(aids, today)
    return _de_minimis_checked(evaluate(scheme, profile, given or Answers(), today), received)


async def estimate(
    info: Info,
    scheme_id: str,
    expenses: Sequence[Expense],
    raw_siret: str | None,
    phase: int | None,
    *,
    planned: Sequence[Expense] | None = None,
    start: date | None = None,
    decided_on: date | None = None,
) -> AidEstimate:
    equity = None
    if raw_siret is not None:
        siret = await _require_tier2(info, raw_siret)
        equity = await _equity(info, siret)
    try:
        return estimate_aid(
            scheme_id.strip(),
            expenses,
            phase=phase,
            equity=equity,
            planned=planned,
            start=start,
            decided_on=decided_on,
        )
    except EstimateInputError as exc:
        raise bad_user_input(exc) from None
    except (UnknownScheme, InvalidOperation):
        pass
    scheme: Scheme = await find_scheme(info, scheme_id)  # NOT_FOUND when no catalogue has it
    return AidEstimate(
        eligible=False,
        amount=Decimal(0),
        effective_rate=Decimal(0),
        applied_rules=(),
        reasons=(_no_rules(scheme),),
        payments=(),
        deadlines=(),
    )


def _no_rules(scheme: Scheme) -> str:
    """Why a scheme has no estimate: it grants nothing (an honour loan, equity), or the hub
    has not written its rules down."""
    if AidKind.EQUITY in scheme.kinds:
        return (
            f"{scheme.title!r} is an equity investment, not a grant: nothing is granted to "
            "estimate. Its `amounts` are the tickets the fund invests."
        )
    if AidKind.HONOUR_LOAN in scheme.kinds:
        return (
            f"{scheme.title!r} is an honour loan to the founder, not a grant: nothing is "
            "granted to estimate. Its `amounts` say what it lends, its `fundingRules` on "
            "what terms."
        )
    return (
        f"The hub has no computable funding rules for {scheme.title!r} yet: its "
        "`fundingRules` say how it is funded."
    )


async def _equity(info: Info, siret: str) -> Decimal | None:
    try:
        sheets = await info.context.loaders.balance_sheets.load(siret[:9])
    except ConnectorError:
        return None
    equity = sheets[0].equity if sheets else None
    return Decimal(equity) if equity is not None else None


async def de_minimis(
    info: Info,
    siret: str,
    scheme_id: str | None,
    regulation_name: str | None,
    as_of: date | None,
) -> DeMinimisSummary[ReceivedAid]:
    """The de minimis ceiling of the regulation asked, or of the one the scheme names, with
    every aid the company received (``Company.aidsReceived``: both platforms and the hub's
    records, each once)."""
    if regulation_name is None and scheme_id is not None:
        regulation_name = (await find_scheme(info, scheme_id)).de_minimis_regulation
    name = (regulation_name or DEFAULT_REGULATION).removeprefix("EU").strip()
    regulation = CEILINGS.get(name)
    if regulation is None:
        raise coded_error(
            f"The hub knows the de minimis regulations {', '.join(CEILINGS)}; not {name!r}.",
            BAD_USER_INPUT,
            argument="regulation",
        )
    aids = await aids_received(info, siret)
    return summarise(aids, regulation, as_of or hub_today())
