"""A structure's records imported from CSV: a wrong header, a bad row (its line and reason),
the good rows kept or none as the caller chooses; agents only."""

from __future__ import annotations

from resolvers.context import Services
from tests.conftest import Run, errors_by_path, recorded_interactions

DURAND = "pierre.durand@cci-gard.example"
CLAIRE = "claire.leroy@leroy-sas.example"
IMPORT = """
mutation($csv: String!, $keep: Boolean!) {
  importInteractions(csv: $csv, keepValidRows: $keep) { imported rejected { line reason } }
}
"""
HEADER = "siret,project_id,kind,channel,offer_id,level,product,on,minutes,segment"
GOOD = [
    "84215637400014,,TRAINING,ON_SITE,cci-gard:createur-2,2,N12,2025-03-10,2100,",
    "84215637400014,,welcome,remote,,,,2025-01-02,20,CREATEUR",
]
BAD = [
    "84215637400014,,TRAINING,ON_SITE,cci-gard:nope,,,2025-03-10,60,",  # unknown offer
    "84215637400014,,TRAINING,ON_SITE,cci-gard:createur-2,2,N99,2025-03-10,60,",  # product
    "84215637400014,,TEA,ON_SITE,,,,2025-03-10,60,CREATEUR",  # unknown kind
    "84215637400014,,WELCOME,ON_SITE,,,,2999-01-01,60,CREATEUR",  # in the future
    "84215637400014,,WELCOME,ON_SITE,,,,10/03/2025,60,CREATEUR",  # not a date
    "84215637400014,,WELCOME,ON_SITE,,,,2025-03-10,60,CREATEUR,extra",  # one field too many
]


def _csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


async def test_good_rows_are_all_written(run: Run, services: Services) -> None:
    result = await run(IMPORT, as_=DURAND, variables={"csv": _csv(*GOOD), "keep": False})
    assert result.data["importInteractions"] == {"imported": 2, "rejected": []}
    assert await recorded_interactions(services) == 2


async def test_each_bad_row_is_reported_with_its_line_and_nothing_is_written(
    run: Run, services: Services
) -> None:
    result = await run(IMPORT, as_=DURAND, variables={"csv": _csv(*GOOD, *BAD), "keep": False})
    outcome = result.data["importInteractions"]
    assert outcome["imported"] == 0
    assert [r["line"] for r in outcome["rejected"]] == [4, 5, 6, 7, 8, 9]
    reasons = [r["reason"] for r in outcome["rejected"]]
    assert reasons[0].startswith("Unknown offer")
    assert reasons[1].startswith("Unknown product for this offer")
    assert reasons[2].startswith("kind: 'TEA' is not one of WELCOME")
    assert "future" in reasons[3]
    assert reasons[4] == "on: '10/03/2025' is not a date (YYYY-MM-DD)"
    assert reasons[5].startswith("more fields than")
    assert await recorded_interactions(services) == 0


async def test_the_caller_may_keep_the_good_rows(run: Run, services: Services) -> None:
    result = await run(IMPORT, as_=DURAND, variables={"csv": _csv(BAD[0], *GOOD), "keep": True})
    outcome = result.data["importInteractions"]
    assert outcome["imported"] == 2
    assert [r["line"] for r in outcome["rejected"]] == [2]
    assert await recorded_interactions(services) == 2


async def test_a_wrong_header_is_line_one(run: Run, services: Services) -> None:
    wrong = _csv(*GOOD, header="siret,kind,channel,date")
    result = await run(IMPORT, as_=DURAND, variables={"csv": wrong, "keep": True})
    outcome = result.data["importInteractions"]
    assert outcome["imported"] == 0
    assert outcome["rejected"] == [{"line": 1, "reason": f"the header must be: {HEADER}"}]
    assert await recorded_interactions(services) == 0


async def test_only_agents_import(run: Run, services: Services) -> None:
    for who, code in ((None, "UNAUTHENTICATED"), (CLAIRE, "FORBIDDEN")):
        result = await run(IMPORT, as_=who, variables={"csv": _csv(*GOOD), "keep": True})
        assert errors_by_path(result) == {"importInteractions": code}
    assert await recorded_interactions(services) == 0


async def test_a_file_the_csv_reader_cannot_read_is_bad_user_input(run: Run) -> None:
    huge = _csv('"' + "x" * 200_000 + '"')  # past the reader's field size limit
    result = await run(IMPORT, as_=DURAND, variables={"csv": huge, "keep": True})
    assert errors_by_path(result) == {"importInteractions": "BAD_USER_INPUT"}
    odd = await run(IMPORT, as_=DURAND, variables={"csv": _csv("1,\0,WELCOME"), "keep": True})
    assert odd.data["importInteractions"]["rejected"] == [{"line": 2, "reason": "channel is empty"}]
