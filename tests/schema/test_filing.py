"""submitApplication through the real schema, over the platform sandboxes (in process): the
checks' refusals as BAD_USER_INPUT with their reasons, idempotency (one dossier on the
platform), an unanswered filing left UNCONFIRMED and settled by the reconciliation job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from starlette.applications import Starlette

from connectors.calendar import hub_today
from connectors.platforms import Platform, PlatformConnector
from resolvers.context import Services
from resolvers.reconciliation import FILING_FAILED_KIND, reconcile_submissions
from sandbox.platforms.config import PlatformConfig
from tests.conftest import CountingTransport
from tests.platforms import (
    COLLABORATOR,
    LEROY,
    MEMBER,
    LossyTransport,
    mesaides_app,
    store_of,
    submit,
)

if TYPE_CHECKING:
    from tests.conftest import Run

INBOX = "{ notifications(first: 20) { edges { node { kind payload } } } }"
ONE = "query($id: ID!) { application(id: $id) { reference status platformStatus } }"
FABRE_MEMBER = "antoine.fabre@menuiserie-fabre.example"
OTHER_AGENT = "lucie.mercier@adocc.example"


@pytest.fixture
def platform_app(platforms_config: PlatformConfig) -> Starlette:
    return mesaides_app(platforms_config)


@pytest.fixture
def lossy(platform_app: Starlette) -> LossyTransport:
    return LossyTransport(httpx.ASGITransport(app=platform_app))


@pytest.fixture
def mesaides_upstream(lossy: LossyTransport) -> CountingTransport:
    """Mes aides en ligne (where PDL's schemes are filed), whose answers a test may lose."""
    return CountingTransport(lossy)


async def dossiers(app: Starlette, siret: str = LEROY) -> list[Any]:
    """The dossiers the platform holds that the hub filed for the company."""
    return [a for a in (await store_of(app)).of_siret(siret) if a.idempotency_key]


def platforms(services: Services) -> dict[Platform, PlatformConnector]:
    return {Platform.DEL: services.del_, Platform.MES_AIDES_EN_LIGNE: services.mesaides}


async def test_a_member_files_an_application_on_the_schemes_platform(
    run: Run, platform_app: Starlette
) -> None:
    result = await submit(run)

    assert result.errors is None, result.errors
    filed = result.data["submitApplication"]
    assert (filed["platform"], filed["status"]) == ("MES_AIDES_EN_LIGNE", "SUBMITTED")
    assert filed["requested"] == 10000  # 50 % of €20,000 (PDL)
    [dossier] = await dossiers(platform_app)
    assert dossier.reference == filed["reference"] and dossier.requested == 10000
    assert LEROY not in (dossier.idempotency_key or "")  # the platform key hides the company


async def test_the_same_key_again_returns_the_same_application_and_files_once(
    run: Run, platform_app: Starlette
) -> None:
    first = await submit(run)
    again = await submit(run, as_=COLLABORATOR)  # another member of the company, same key

    assert again.errors is None
    assert again.data["submitApplication"]["id"] == first.data["submitApplication"]["id"]
    assert len(await dossiers(platform_app)) == 1


async def test_a_used_key_for_another_application_is_bad_input(
    run: Run, platform_app: Starlette
) -> None:
    await submit(run)

    result = await submit(run, projectTitle="Autre chose")

    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert result.errors[0].extensions["argument"] == "idempotencyKey"
    assert len(await dossiers(platform_app)) == 1


@pytest.mark.parametrize(
    ("changes", "rule", "words"),
    [
        pytest.param(
            {"expenses": [{"amount": "20000", "category": "software",
                           "committedOn": "2024-01-15"}]},
            "incentive_effect", "before the application", id="incentive-effect",
        ),
        pytest.param(
            {"expenses": [{"amount": "4000", "category": "software"}]},
            "scheme_rules", "5 000", id="minimum-expenses",
        ),
        pytest.param(
            {"deMiniMisDeclaration": None, "deMinimisDeclaration": [
                {"grantor": "Région", "amount": "295000",
                 "grantedOn": (hub_today() - timedelta(days=60)).isoformat(),
                 "regulation": "EU 2023/2831"}]},
            "de_minimis", "ceiling", id="de-minimis-headroom",
        ),
        pytest.param(
            {"plannedStart": "2024-01-01"}, "incentive_effect", "starts on", id="started-before",
        ),
    ],
)  # fmt: skip
async def test_each_check_refuses_with_its_reason_and_nothing_is_filed(
    run: Run, platform_app: Starlette, changes: dict[str, Any], rule: str, words: str
) -> None:
    changes.pop("deMiniMisDeclaration", None)

    result = await submit(run, **changes)

    assert result.data is None or result.data["submitApplication"] is None
    [error] = result.errors
    assert error.extensions["code"] == "BAD_USER_INPUT"
    assert error.extensions["rule"] == rule and words in error.message
    assert await dossiers(platform_app) == []


async def test_the_pays_de_la_loire_ceiling_leaves_a_new_project_what_is_left(
    run: Run, platform_app: Starlette
) -> None:
    assert (await submit(run, key="first")).errors is None  # €10,000 of the €15,000

    result = await submit(run, key="second", projectTitle="Un site de vente en ligne")

    [error] = result.errors
    assert (error.extensions["code"], error.extensions["rule"]) == (
        "BAD_USER_INPUT", "company_cap",
    )  # fmt: skip
    assert "€5,000" in error.message
    assert len(await dossiers(platform_app)) == 1


async def test_an_unknown_scheme_is_not_found(run: Run) -> None:
    result = await submit(run, schemeId="paysdelaloire:no-such-scheme")

    assert result.errors[0].extensions["code"] == "NOT_FOUND"


async def test_an_unanswered_filing_is_unconfirmed_then_found_by_key_never_twice(
    run: Run, services: Services, platform_app: Starlette, lossy: LossyTransport
) -> None:
    lossy.lose_answers = True  # the platform files it; its answer times out (every retry)
    result = await submit(run)

    filed = result.data["submitApplication"]
    assert result.errors is None
    assert (filed["status"], filed["platformStatus"]) == (
        "UNCONFIRMED",
        "Transmission non confirmée",
    )
    assert len(await dossiers(platform_app)) == 1  # filed once though sent twice (same key)

    lossy.lose_answers = False
    report = await reconcile_submissions(
        services.submissions, platforms(services), services.writer,
        now=datetime.now(UTC) + timedelta(minutes=5),
    )  # fmt: skip

    assert (report.confirmed, report.unconfirmed, report.failed) == (1, 0, 0)
    [dossier] = await dossiers(platform_app)
    again = (await submit(run)).data["submitApplication"]
    assert (again["status"], again["reference"]) == ("SUBMITTED", dossier.reference)


async def test_the_id_of_an_unconfirmed_filing_reads_it_then_the_platforms_copy(
    run: Run, services: Services, lossy: LossyTransport
) -> None:
    lossy.lose_answers = True
    filed = (await submit(run)).data["submitApplication"]
    lossy.lose_answers = False

    while_open = await run(ONE, as_=COLLABORATOR, variables={"id": filed["id"]})
    await reconcile_submissions(
        services.submissions, platforms(services), services.writer,
        now=datetime.now(UTC) + timedelta(minutes=5),
    )  # fmt: skip
    settled = await run(ONE, as_=MEMBER, variables={"id": filed["id"]})

    assert while_open.errors is None
    assert while_open.data["application"] == {
        "reference": filed["reference"], "status": "UNCONFIRMED",
        "platformStatus": "Transmission non confirmée",
    }  # fmt: skip
    assert filed["reference"].startswith("HUB-")
    assert settled.errors is None
    assert settled.data["application"]["status"] == "SUBMITTED"
    assert not settled.data["application"]["reference"].startswith("HUB-")


@pytest.mark.parametrize("viewer", [None, OTHER_AGENT, FABRE_MEMBER])
async def test_the_id_of_an_unconfirmed_filing_is_refused_to_anyone_else(
    run: Run, lossy: LossyTransport, viewer: str | None
) -> None:
    lossy.lose_answers = True
    filed = (await submit(run)).data["submitApplication"]

    theirs = await run(ONE, as_=viewer, variables={"id": filed["id"]})

    assert theirs.data is None or theirs.data["application"] is None
    assert [e.extensions["code"] for e in theirs.errors] == ["FORBIDDEN"]


async def test_the_id_of_a_filing_that_failed_for_good_says_why(
    run: Run, services: Services, lossy: LossyTransport
) -> None:
    await services.mesaides.applications(LEROY)
    lossy.down = True
    filed = (await submit(run)).data["submitApplication"]
    await reconcile_submissions(
        services.submissions, platforms(services), services.writer,
        now=datetime.now(UTC) + timedelta(minutes=5), max_attempts=1,
    )  # fmt: skip

    result = await run(ONE, as_=MEMBER, variables={"id": filed["id"]})

    [error] = result.errors
    assert error.extensions["code"] == "NOT_FOUND"
    assert "could not be made" in error.message


async def test_a_filing_that_never_arrived_is_filed_again_by_the_job_once(
    run: Run, services: Services, platform_app: Starlette, lossy: LossyTransport
) -> None:
    await services.mesaides.applications(LEROY)  # the company's list, cached
    lossy.down = True
    assert (await submit(run)).errors is None  # UNCONFIRMED (checked on the cached list)
    assert await dossiers(platform_app) == []

    lossy.down = False
    report = await reconcile_submissions(
        services.submissions, platforms(services), services.writer,
        now=datetime.now(UTC) + timedelta(minutes=5),
    )  # fmt: skip

    assert report.confirmed == 1
    assert len(await dossiers(platform_app)) == 1


async def test_attempts_spent_make_it_failed_and_the_members_are_told(
    run: Run, services: Services, platform_app: Starlette, lossy: LossyTransport
) -> None:
    await services.mesaides.applications(LEROY)
    lossy.down = True
    assert (await submit(run)).errors is None

    report = await reconcile_submissions(
        services.submissions, platforms(services), services.writer,
        now=datetime.now(UTC) + timedelta(minutes=5), max_attempts=2,
    )  # fmt: skip

    assert report.failed == 1
    inbox = await run(INBOX, as_=COLLABORATOR)
    [told] = [e["node"] for e in inbox.data["notifications"]["edges"]
              if e["node"]["kind"] == FILING_FAILED_KIND]  # fmt: skip
    assert told["payload"]["projectTitle"] == "Un ERP pour l'atelier"
    result = await submit(run)  # the same key: the same answer, not a second filing
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert "could not be filed" in result.errors[0].message


async def test_a_platform_down_before_the_checks_files_nothing(
    run: Run, services: Services, platform_app: Starlette, lossy: LossyTransport
) -> None:
    lossy.down = True  # the company's previous applications cannot be read: no check, no filing

    result = await submit(run)

    assert result.errors[0].extensions["code"] == "UPSTREAM_UNAVAILABLE"
    assert await services.submissions.find(LEROY, "k-1") is None
