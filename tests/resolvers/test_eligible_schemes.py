"""A company's verdicts on the whole catalogue, kept by value: the same catalogue, profile,
aids received and day give the same verdicts without evaluating anything again (equal values,
not the same objects); a newly received aid changes the de minimis verdicts; the answer's
order is ELIGIBLE, UNKNOWN, NOT_ELIGIBLE, by title within each."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from connectors.catalogues import Catalogue
from connectors.catalogues.models import Headcount, Scheme, SchemeSource, Territory
from resolvers import schemes
from resolvers.aids_received import AidSource, ReceivedAid
from resolvers.catalogue import SchemeQuery
from resolvers.eligibility_records import CompanyProfile, SchemeVerdict, Verdict

TODAY = date(2026, 11, 23)
FABRE = CompanyProfile(siret="51234987900027", region_code="76", department_code="34", staff=12)


def _scheme(title: str, *, occitanie: bool = True, regulation: str | None = None) -> Scheme:
    return Scheme(
        id=f"region:{title.lower()}", source=SchemeSource.REGION_OCCITANIE, title=title,
        summary="", description="", financers=(), kinds=(), themes=(), beneficiaries=(),
        territory_scale="region", territory_codes=("76",), opens_on=None, closes_on=None,
        channel=None, submission_url=None, eligible_expenses=(), funding_rules=(),
        de_minimis_regulation=regulation, flat_amount=15_000 if regulation else None,
        criteria=(Territory(("76",) if occitanie else ("52",)), Headcount(maximum=49)),
    )  # fmt: skip


CATALOGUE = (
    _scheme("Transmission", regulation="1407/2013"),  # 15,000 € under de minimis
    _scheme("Bretagne", occitanie=False),
    _scheme("Conseil"),
)


def _catalogue(version: int = 1) -> Catalogue:
    return Catalogue(
        schemes=CATALOGUE,
        by_id={scheme.id: scheme for scheme in CATALOGUE},
        unavailable=(),
        version=version,
        criterion_keys=((0, 1), (2, 1), (0, 1)),
    )


def _aid(amount: int) -> ReceivedAid:
    return ReceivedAid(grantor="Région Occitanie", scheme="Contrat Relance", amount=amount,
                       granted_on=date(2026, 3, 1), regulation="1407/2013",
                       source=AidSource.HUB_RECORD)  # fmt: skip


def _verdicts(
    aids: tuple[ReceivedAid, ...], profile: CompanyProfile = FABRE, version: int = 1
) -> tuple[SchemeVerdict, ...]:
    return schemes._all_verdicts(_catalogue(version), profile, aids, TODAY).verdicts


def _by_title(verdicts: tuple[SchemeVerdict, ...]) -> dict[str, Verdict]:
    return {verdict.scheme.title: verdict.verdict for verdict in verdicts}


def test_equal_catalogue_profile_aids_and_day_give_the_same_verdicts_evaluated_once(
    evaluated_schemes: list[str],
) -> None:
    first = _verdicts((_aid(100_000),))

    again = _verdicts((_aid(100_000),), replace(FABRE))  # equal values, other objects

    assert again is first
    assert len(evaluated_schemes) == len(CATALOGUE)


def test_a_newly_received_aid_changes_the_de_minimis_verdict_and_no_other(
    evaluated_schemes: list[str],
) -> None:
    before = _verdicts((_aid(100_000),))
    after = _verdicts((_aid(100_000), _aid(90_000)))  # 10,000 € left of 1407/2013's 200,000

    assert _by_title(before)["Transmission"] is Verdict.ELIGIBLE
    assert _by_title(after) == {**_by_title(before), "Transmission": Verdict.NOT_ELIGIBLE}
    (transmission,) = (v for v in after if v.scheme.title == "Transmission")
    assert transmission.criteria[-1].value == "headroom 10 000 €"
    assert len(evaluated_schemes) == 2 * len(CATALOGUE)


def test_another_catalogue_version_profile_or_day_is_evaluated_again(
    evaluated_schemes: list[str],
) -> None:
    _verdicts(())
    _verdicts((), version=2)
    _verdicts((), replace(FABRE, staff=60))
    schemes._all_verdicts(_catalogue(), FABRE, (), date(2026, 11, 24))

    assert len(evaluated_schemes) == 4 * len(CATALOGUE)


def test_eligible_first_then_not_eligible_by_title_within_each_after_de_minimis(
    evaluated_schemes: list[str],
) -> None:
    verdicts = _verdicts((_aid(195_000),))

    assert [(v.scheme.title, v.verdict) for v in verdicts] == [
        ("Conseil", Verdict.ELIGIBLE),
        ("Bretagne", Verdict.NOT_ELIGIBLE),
        ("Transmission", Verdict.NOT_ELIGIBLE),  # was ELIGIBLE before de minimis: by title still
    ]


def test_filters_that_match_alike_are_one_filter_once_normalised() -> None:
    assert SchemeQuery(text="  \t ").normalised() == SchemeQuery()  # no words: no text
    assert SchemeQuery(text="  \t ").normalised().everything
    assert SchemeQuery(text="Élan  EXPORT").normalised() == SchemeQuery(text="elan export")
    assert SchemeQuery(text="elan export").normalised() == SchemeQuery(text="elan export")
