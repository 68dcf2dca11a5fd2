"""The eligibility engine: one evaluator for every criterion kind of every catalogue.

A scheme's criteria are data (``connectors.catalogues.models``); this module evaluates each
(by its kind's evaluator, ``resolvers.eligibility_criteria``) against a ``CompanyProfile`` (the federated company data, what the sources did not know left
as None) and the ``Answers`` a user gave on the hub's question path. Each criterion comes out
MET, NOT_MET or UNKNOWN with the value it used and the data still missing; a scheme is
NOT_ELIGIBLE when one criterion is not met, UNKNOWN when one is unknown, else ELIGIBLE.

The rules are the seeds' (pays-de-la-loire-investissement-numerique-faq.md,
region-occitanie-parcours-industrie-du-futur.md) and the EU SME definition they cite
(annex I of regulation (EU) 651/2014).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from connectors.catalogues.models import Associations, Scheme
from resolvers.de_minimis import DeMinimisSummary
from resolvers.eligibility_criteria import EVALUATORS, Facts, criterion_result, euros, open_dates
from resolvers.eligibility_records import (
    Answers,
    CompanyProfile,
    CriterionResult,
    Outcome,
    SchemeVerdict,
    Verdict,
)

__all__ = ["evaluate", "evaluate_all", "with_de_minimis"]


def evaluate(
    scheme: Scheme, company: CompanyProfile, answers: Answers, today: date
) -> SchemeVerdict:
    return evaluate_all([scheme], company, answers, today)[0]


def evaluate_all(
    schemes: Sequence[Scheme],
    company: CompanyProfile,
    answers: Answers,
    today: date,
    criterion_keys: Sequence[tuple[int, ...]] | None = None,
) -> list[SchemeVerdict]:
    """The verdict of each scheme, in order. A criterion's result depends on the criterion,
    the company, the answers, the day and one fact of its scheme (whether it has an
    associations rule), so schemes that share a criterion share its result: with
    ``criterion_keys`` (the catalogue's numbering of its distinct criteria, one tuple per
    scheme) each distinct criterion is evaluated once per call (the sandbox's 163 schemes
    hold 812 criteria, 61 of them distinct)."""
    results: dict[tuple[int, bool], CriterionResult] = {}
    windows: dict[tuple[date | None, date | None], CriterionResult] = {}
    facts = (Facts(company, answers, False), Facts(company, answers, True))
    verdicts = []
    for index, scheme in enumerate(schemes):
        rule = _has_associations_rule(scheme)
        window = (scheme.opens_on, scheme.closes_on)
        opening = windows.get(window)
        if opening is None:
            opening = windows[window] = open_dates(scheme, today)
        checked = [opening]
        keys = criterion_keys[index] if criterion_keys is not None else None
        for position, criterion in enumerate(scheme.criteria):
            if keys is None:
                checked.append(EVALUATORS[type(criterion)](criterion, facts[rule], today))
                continue
            key = (keys[position], rule)
            result = results.get(key)
            if result is None:
                result = results[key] = EVALUATORS[type(criterion)](criterion, facts[rule], today)
            checked.append(result)
        verdicts.append(_verdict(scheme, checked))
    return verdicts


def _has_associations_rule(scheme: Scheme) -> bool:
    return any(isinstance(criterion, Associations) for criterion in scheme.criteria)


def _verdict(scheme: Scheme, results: list[CriterionResult]) -> SchemeVerdict:
    outcomes = [result.outcome for result in results]  # a list: hashing an Enum is slow
    if Outcome.NOT_MET in outcomes:
        verdict = Verdict.NOT_ELIGIBLE
    elif Outcome.UNKNOWN in outcomes:
        verdict = Verdict.UNKNOWN
    else:
        verdict = Verdict.ELIGIBLE
    missing = tuple(dict.fromkeys(name for result in results for name in result.missing))
    return SchemeVerdict(scheme, verdict, tuple(results), missing)


# --- de minimis: what the company received, read apart from the profile ---------------------


def with_de_minimis(
    verdict: SchemeVerdict, summary: DeMinimisSummary[Any] | None, amount: int | None
) -> SchemeVerdict:
    """``verdict`` with its scheme's de minimis criterion (for a scheme granted under a de
    minimis regulation): the aid, up to ``amount`` (None: not known), must fit in what the
    regulation's ceiling leaves the company over its period (Pays de la Loire FAQ §23: "ne
    pas dépasser 200 000€ d'aides publiques tous les 3 ans par entreprise"). ``summary``: the
    aids the company received against that ceiling (``resolvers/de_minimis.py``); None when
    the hub does not know the regulation the scheme names."""
    if summary is None:
        named = verdict.scheme.de_minimis_regulation
        result = criterion_result("deMinimis", None, None, f"de minimis regulation {named} "
                                  "unknown to the hub: the headroom is to check",
                                  ("deMinimisRegulation",))  # fmt: skip
    else:
        regulation, headroom = summary.regulation, summary.remaining
        rule = (
            f"at most {euros(regulation.ceiling)} of de minimis aids over {regulation.period} "
            f"(EU {regulation.name}); {euros(summary.total)} received since "
            f"{summary.period_start.isoformat()}"
        )
        room = f"the headroom of {euros(headroom)}"
        if headroom <= 0:
            met, detail = False, f"{rule}: no headroom left"
        elif amount is None:
            met, detail = True, f"{rule}: the aid may not exceed {room}"
        else:
            met = amount <= headroom
            verb = "fits in" if met else "exceeds"
            detail = f"{rule}: the aid, up to {euros(amount)}, {verb} {room}"
        result = criterion_result("deMinimis", met, f"headroom {euros(headroom)}", detail)
    return _verdict(verdict.scheme, [*verdict.criteria, result])
