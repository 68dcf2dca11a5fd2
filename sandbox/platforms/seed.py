"""The applications both platforms start with, deterministic for a seed and a month.

Every company the hub registers (the API Entreprise sandbox's active companies with a
physical-person mandataire, and the canonical ones) draws, from its own ``Random`` keyed by
its SIRET, whether it applied (about one in five) and how often; the statuses cycle through
every state of each platform so that all are present. A scheme goes to the platform its
catalogue entry names (``modalite_depot.canal``: DEL schemes of the Région Occitanie feed,
every other online scheme on Mes aides en ligne), so the graph's ``Scheme.submission``
agrees. The canonical companies have the issue's own cases: LEROY a granted Industrie du
futur dossier with an advance paid (DEL) and a closed demande (Mes aides en ligne), OCCITANIE
DRONES a dossier under review, MENUISERIE FABRE a rejected demande.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from connectors.platforms.models import (
    Application,
    Document,
    HistoryEntry,
    Lifecycle,
    Payment,
    PaymentKind,
    PaymentStatus,
    Platform,
)
from sandbox.catalogues.real_industrie_du_futur import INDUSTRIE_DU_FUTUR
from sandbox.catalogues.real_investissement_numerique import INVESTISSEMENT_NUMERIQUE
from sandbox.catalogues.seed import DEFAULT_SEED as CATALOGUE_SEED
from sandbox.catalogues.seed import catalogue
from sandbox.entreprise.canonical import canonical_companies
from sandbox.entreprise.seed import companies

__all__ = ["CANONICAL", "PLATFORMS_SEED", "SeededSchemes", "applications", "schemes_by_platform"]

PLATFORMS_SEED = 20261125
LEROY, FABRE, DRONES = "84215637400014", "51234987900027", "79345612000013"
INDUSTRIE = f"region:{INDUSTRIE_DU_FUTUR}"
NUMERIQUE = f"paysdelaloire:{INVESTISSEMENT_NUMERIQUE}"

_L = Lifecycle
_PATH = (_L.SUBMITTED, _L.INCOMPLETE, _L.ACKNOWLEDGED, _L.UNDER_REVIEW, _L.GRANTED,
         _L.PAYMENT_REQUESTED, _L.ADVANCE_PAID, _L.CLOSED)  # fmt: skip
_STATUSES = {
    Platform.MES_AIDES_EN_LIGNE: (_L.DRAFT, *_PATH, _L.REJECTED, _L.WITHDRAWN),
    Platform.DEL: (*_PATH, _L.REJECTED, _L.WITHDRAWN),
}
"""Every state each platform shows (DEL's API shows no drafts)."""
_DOCUMENTS = (("devis", "devis-{n}.pdf"), ("kbis", "kbis.pdf"), ("rib", "rib.pdf"),
              ("attestation_minimis", "attestation-minimis.pdf"))  # fmt: skip
_TITLES = ("Modernisation de l'outil de production", "Diagnostic Industrie du futur",
           "Logiciel de gestion de production", "Site de vente en ligne",
           "Robotisation d'une ligne", "Étude de marché à l'export", "Jumeau numérique")  # fmt: skip


@dataclass(frozen=True, slots=True)
class SeededSchemes:
    """The schemes each platform takes: (hub scheme id, grantor)."""

    by_platform: dict[Platform, tuple[tuple[str, str], ...]]


@dataclass(frozen=True, slots=True)
class _Case:
    siret: str
    platform: Platform
    scheme_id: str
    status: Lifecycle
    deposit: datetime
    title: str
    requested: int


def schemes_by_platform(today: date | None = None) -> SeededSchemes:
    """The catalogue's online schemes by the platform their entry names."""
    found: dict[Platform, list[tuple[str, str]]] = {p: [] for p in Platform}
    prefixes = {"76": "region", "52": "paysdelaloire"}
    for scheme in catalogue(CATALOGUE_SEED, today).schemes:
        if scheme.channel not in ("DEL", "MES_AIDES_EN_LIGNE"):
            continue
        prefix = prefixes.get(scheme.region_code or "", scheme.source)
        # the national feeds have one online channel: the gateway reads it as Mes aides en ligne
        platform = Platform.DEL if scheme.channel == "DEL" and scheme.source == "region" \
            else Platform.MES_AIDES_EN_LIGNE  # fmt: skip
        found[platform].append((f"{prefix}:{scheme.key}", scheme.financers[0]))
    return SeededSchemes({p: tuple(sorted(items)) for p, items in found.items()})


def applications(seed: int = PLATFORMS_SEED, today: date | None = None) -> tuple[Application, ...]:
    return _applications(seed, today or date.today().replace(day=1))


CANONICAL = {
    LEROY: ((Platform.DEL, INDUSTRIE, _L.ADVANCE_PAID, datetime(2023, 2, 6, 10, tzinfo=UTC)),
            (Platform.MES_AIDES_EN_LIGNE, NUMERIQUE, _L.CLOSED,
             datetime(2021, 3, 1, 9, tzinfo=UTC))),
    DRONES: ((Platform.DEL, INDUSTRIE, _L.UNDER_REVIEW, datetime(2025, 3, 3, 14, tzinfo=UTC)),),
    FABRE: ((Platform.MES_AIDES_EN_LIGNE, NUMERIQUE, _L.REJECTED,
             datetime(2024, 5, 13, 11, tzinfo=UTC)),),
}  # fmt: skip
"""The issue's own cases: (platform, scheme, status, deposit)."""


@functools.cache
def _applications(seed: int, month: date) -> tuple[Application, ...]:
    schemes = schemes_by_platform(month).by_platform
    cases = [
        _Case(siret, platform, scheme, status, deposit, _TITLES[n % len(_TITLES)], 20_000)
        for siret, planned in CANONICAL.items()
        for n, (platform, scheme, status, deposit) in enumerate(planned)
    ]
    cycle = {platform: 0 for platform in Platform}
    canonical = {company.siret for company in canonical_companies()}
    for siret in sorted(_registered() - canonical):
        rng = random.Random(f"{seed}:{siret}")
        if rng.random() >= 0.2:
            continue
        for _ in range(1 if rng.random() < 0.7 else 2):
            platform = Platform.DEL if rng.random() < 0.4 else Platform.MES_AIDES_EN_LIGNE
            statuses = _STATUSES[platform]
            status = statuses[cycle[platform] % len(statuses)]
            cycle[platform] += 1
            deposit = datetime(2021, 1, 4, 9, tzinfo=UTC) + timedelta(
                days=rng.randrange(0, 4 * 365), minutes=rng.randrange(0, 600)
            )
            cases.append(_Case(siret, platform, rng.choice(schemes[platform])[0], status,
                               deposit, rng.choice(_TITLES), rng.randrange(10, 400) * 500))  # fmt: skip
    numbers = {platform: 0 for platform in Platform}
    built = []
    for case in cases:
        numbers[case.platform] += 1
        built.append(_application(case, numbers[case.platform], random.Random(f"{seed}:{case}")))
    return tuple(built)


def _registered() -> set[str]:
    """The SIRETs the hub's seed registers (sandbox.hubdb.companies draws from the same)."""
    return {
        company.siret
        for company in companies().values()
        if company.active and any(m.kind == "personne_physique" for m in company.mandataires)
    } | {company.siret for company in canonical_companies()}


def _application(case: _Case, n: int, rng: random.Random) -> Application:
    status = case.status
    steps = _steps(status)
    at = case.deposit
    history: list[HistoryEntry] = []
    moments: dict[Lifecycle, datetime] = {}
    for step in steps:
        history += _entries(case.platform, step, at, history[-1].at if history else at)
        moments[step] = at
        at += timedelta(days=rng.randrange(5, 40), hours=rng.randrange(0, 8))
    voted_only = (
        case.platform is Platform.MES_AIDES_EN_LIGNE and status is _L.GRANTED and n % 2 == 1
    )
    if voted_only:  # the commission voted; the arrêté is not signed yet
        history.pop()
        moments[_L.GRANTED] = history[-1].at
    granted = case.requested if status.value in _GRANTED else None
    if granted is not None and rng.random() < 0.3:
        granted = granted * 4 // 5
    decided = moments.get(_L.GRANTED) or moments.get(_L.REJECTED)
    payments, paid = _payments(status, granted, moments)
    acknowledged = moments.get(_L.ACKNOWLEDGED)
    if acknowledged is None and status.value in _GRANTED:
        acknowledged = case.deposit + timedelta(days=3)
    reference = (
        f"MAEL-{case.deposit.year}-{n:06d}" if case.platform is Platform.MES_AIDES_EN_LIGNE
        else str(1000 + n)
    )  # fmt: skip
    return Application(
        platform=case.platform,
        reference=reference,
        siret=case.siret,
        scheme_id=case.scheme_id,
        project_title=case.title,
        status=status,
        platform_status=history[-1].label,
        requested=case.requested,
        granted=granted,
        paid=paid,
        submitted_at=None if status is _L.DRAFT else case.deposit,
        acknowledged_at=acknowledged,
        expenses_from=acknowledged.date() if acknowledged else None,
        decided_at=decided.date() if decided else None,
        realisation_deadline=_years_after(decided.date(), 2) if decided and granted else None,
        proofs_deadline=_years_after(decided.date(), 2) + timedelta(days=183)
        if decided and granted
        else None,
        updated_at=history[-1].at,
        documents=tuple(
            Document(name.format(n=n), kind, None if status is _L.DRAFT else case.deposit)
            for kind, name in _DOCUMENTS[: 1 + n % len(_DOCUMENTS)]
        ),
        payments=payments,
        history=tuple(history),
    )


_GRANTED = {"GRANTED", "PAYMENT_REQUESTED", "ADVANCE_PAID", "CLOSED"}


def _entries(
    platform: Platform, step: Lifecycle, at: datetime, before: datetime
) -> list[HistoryEntry]:
    """A step's history entries. On Mes aides en ligne a grant is two: « Votée » (the
    commission's vote, half-way from the step before) then « Attribuée » (the arrêté)."""
    if platform is Platform.MES_AIDES_EN_LIGNE and step is _L.GRANTED:
        vote = at - (at - before) / 2
        return [HistoryEntry(vote, step, "Votée"), HistoryEntry(at, step, "Attribuée")]
    return [HistoryEntry(at, step, step.value)]


def _steps(status: Lifecycle) -> tuple[Lifecycle, ...]:
    if status is _L.DRAFT:
        return (_L.DRAFT,)
    if status is _L.WITHDRAWN:
        return (_L.SUBMITTED, _L.WITHDRAWN)
    if status is _L.REJECTED:
        return (_L.SUBMITTED, _L.ACKNOWLEDGED, _L.UNDER_REVIEW, _L.REJECTED)
    path = [step for step in _PATH[: _PATH.index(status) + 1]]
    if status is not _L.INCOMPLETE:
        path.remove(_L.INCOMPLETE) if _L.INCOMPLETE in path else None
    if status is _L.CLOSED:
        path.remove(_L.PAYMENT_REQUESTED)
    return tuple(path)


def _payments(
    status: Lifecycle, granted: int | None, moments: dict[Lifecycle, datetime]
) -> tuple[tuple[Payment, ...], int]:
    if granted is None:
        return (), 0
    advance = granted * 3 // 10
    if status is _L.PAYMENT_REQUESTED:
        at = moments[_L.PAYMENT_REQUESTED]
        return (Payment(PaymentKind.ADVANCE, advance, PaymentStatus.REQUESTED, at, None),), 0
    if status is _L.ADVANCE_PAID:
        at = moments[_L.ADVANCE_PAID]
        requested = at - timedelta(days=20)
        return (Payment(PaymentKind.ADVANCE, advance, PaymentStatus.PAID, requested, at),), advance
    if status is _L.CLOSED:
        at, first = moments[_L.CLOSED], moments[_L.ADVANCE_PAID]
        return (
            Payment(PaymentKind.ADVANCE, advance, PaymentStatus.PAID, first - timedelta(days=3), first),
            Payment(PaymentKind.BALANCE, granted - advance, PaymentStatus.PAID,
                    at - timedelta(days=30), at),
        ), granted  # fmt: skip
    return (), 0


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
