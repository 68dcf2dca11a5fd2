"""The aids a company received, merged from the platforms and the hub's records: each aid
once (same platform reference, or same grantor, scheme, date and amount), only granted
applications, and what the de minimis ceiling counts of them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from connectors.catalogues.models import Scheme, SchemeSource
from connectors.hubdb import PublicAidRecord
from connectors.platforms import Application, Lifecycle, Platform
from resolvers.aids_received import AidSource, merge_aids
from resolvers.de_minimis import CEILINGS, summarise

LEROY = "84215637400014"
INDUSTRIE = "region:parcours-industrie-du-futur"
SCHEME = Scheme(
    id=INDUSTRIE, source=SchemeSource.REGION_OCCITANIE, title="Parcours régional Industrie du futur",
    summary="", description="", financers=("Région Occitanie", "État"), kinds=(), themes=(),
    beneficiaries=(), territory_scale="region", territory_codes=("76",), opens_on=None,
    closes_on=None, channel=None, submission_url=None, eligible_expenses=(), funding_rules=(),
    legal_references=(), providers=(), faq=(), expert=None, de_minimis_regulation="2023/2831",
    flat_amount=None,
)  # fmt: skip
SCHEMES = {INDUSTRIE: SCHEME}
DECIDED = date(2024, 4, 7)
GRANTED = Application(
    platform=Platform.DEL, reference="1001", siret=LEROY, scheme_id=INDUSTRIE,
    project_title="Robotisation", status=Lifecycle.ADVANCE_PAID, platform_status="accepte",
    requested=20_000, granted=16_000, paid=4_800,
    submitted_at=datetime(2024, 2, 6, 10, tzinfo=UTC), acknowledged_at=None, expenses_from=None,
    decided_at=DECIDED, realisation_deadline=None, proofs_deadline=None,
    updated_at=datetime(2024, 5, 1, tzinfo=UTC),
)  # fmt: skip


def record(
    amount: int = 16_000,
    granted_on: date = DECIDED,
    grantor: str = "Région Occitanie",
    scheme: str = "Parcours régional Industrie du futur",
    regulation: str | None = "2023/2831",
) -> PublicAidRecord:
    return PublicAidRecord(
        id=f"aid-{amount}-{granted_on}", siret=LEROY, granted_on=granted_on, amount=amount,
        grantor=grantor, scheme=scheme, regulation=regulation,
    )  # fmt: skip


def test_a_granted_application_is_an_aid_dated_by_its_decision_with_its_schemes_grantor() -> None:
    (aid,) = merge_aids([], [GRANTED], SCHEMES)

    assert (aid.grantor, aid.scheme, aid.amount, aid.granted_on, aid.regulation) == (
        "Région Occitanie", "Parcours régional Industrie du futur", 16_000, DECIDED, "2023/2831",
    )  # fmt: skip
    assert (aid.source, aid.platform, aid.reference) == (AidSource.PLATFORM, Platform.DEL, "1001")


@pytest.mark.parametrize(
    "status",
    [Lifecycle.DRAFT, Lifecycle.SUBMITTED, Lifecycle.UNDER_REVIEW, Lifecycle.ACKNOWLEDGED,
     Lifecycle.REJECTED, Lifecycle.WITHDRAWN, Lifecycle.INCOMPLETE, Lifecycle.UNCONFIRMED],
)  # fmt: skip
def test_an_application_not_granted_is_no_aid(status: Lifecycle) -> None:
    assert merge_aids([], [replace(GRANTED, status=status)], SCHEMES) == []


@pytest.mark.parametrize(
    "status",
    [Lifecycle.GRANTED, Lifecycle.PAYMENT_REQUESTED, Lifecycle.ADVANCE_PAID, Lifecycle.CLOSED],
)
def test_every_step_after_the_decision_is_an_aid(status: Lifecycle) -> None:
    assert len(merge_aids([], [replace(GRANTED, status=status)], SCHEMES)) == 1


def test_the_same_platform_reference_is_one_aid() -> None:
    assert len(merge_aids([], [GRANTED, replace(GRANTED, project_title="again")], SCHEMES)) == 1


def test_the_same_reference_on_the_other_platform_is_another_aid() -> None:
    other = replace(GRANTED, platform=Platform.MES_AIDES_EN_LIGNE, decided_at=date(2024, 5, 2))
    assert len(merge_aids([], [GRANTED, other], SCHEMES)) == 2


@pytest.mark.parametrize(
    ("grantor", "scheme"),
    [
        ("Région Occitanie", "Parcours régional Industrie du futur"),
        ("REGION OCCITANIE", "parcours  regional industrie du futur"),  # folded alike
        ("État", INDUSTRIE),  # any financer, the scheme's id
    ],
)
def test_a_hub_record_of_a_platform_aid_is_counted_once_as_the_platforms(
    grantor: str, scheme: str
) -> None:
    (aid,) = merge_aids([record(grantor=grantor, scheme=scheme)], [GRANTED], SCHEMES)

    assert (aid.source, aid.reference) == (AidSource.PLATFORM, "1001")


@pytest.mark.parametrize(
    "differs",
    [
        {"amount": 16_001},
        {"granted_on": date(2024, 4, 8)},
        {"grantor": "Bpifrance"},
        {"scheme": "Contrat Innovation"},
    ],
)
def test_a_hub_record_differing_in_grantor_scheme_date_or_amount_is_another_aid(
    differs: dict[str, object],
) -> None:
    aids = merge_aids([record(**differs)], [GRANTED], SCHEMES)  # type: ignore[arg-type]

    assert sorted(a.source.value for a in aids) == ["HUB_RECORD", "PLATFORM"]


def test_two_identical_hub_records_are_one_aid() -> None:
    assert len(merge_aids([record(), replace(record(), id="other")], [], SCHEMES)) == 1


def test_a_platform_aid_takes_the_records_regulation_when_its_scheme_names_none() -> None:
    unregulated = {INDUSTRIE: replace(SCHEME, de_minimis_regulation=None)}

    (aid,) = merge_aids([record(regulation="1407/2013")], [GRANTED], unregulated)

    assert (aid.source, aid.regulation) == (AidSource.PLATFORM, "1407/2013")


def test_an_aid_whose_scheme_left_the_catalogue_is_named_by_its_platform_and_id() -> None:
    (aid,) = merge_aids([], [GRANTED], {})

    assert (aid.grantor, aid.scheme, aid.regulation) == ("DEL", INDUSTRIE, None)


def test_aids_are_listed_newest_first() -> None:
    aids = merge_aids([record(amount=1, granted_on=date(2025, 1, 1)), record(amount=2,
                      granted_on=date(2020, 1, 1))], [GRANTED], SCHEMES)  # fmt: skip

    assert [a.granted_on.year for a in aids] == [2025, 2024, 2020]


def test_de_minimis_counts_a_platform_aid_and_its_hub_record_once() -> None:
    aids = merge_aids([record(), record(amount=10_000, grantor="AD'OCC", scheme="Pass Export")],
                      [GRANTED], SCHEMES)  # fmt: skip

    summary = summarise(aids, CEILINGS["2023/2831"], date(2025, 1, 1))

    assert summary.total == 26_000
    assert [a.source for a in summary.aids] == [AidSource.PLATFORM, AidSource.HUB_RECORD]
