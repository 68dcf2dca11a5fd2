"""Public answers kept whole: an anonymous answer made only of fields that read partner records
through the shared cache is handed out again, byte for byte, while those records are fresh;
never to a signed-in viewer, never when a field reads anything else, never once a cached
copy was dropped early, never beyond the records' freshness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from auth.identity import Authenticator
from auth.tokens import DevTokenIssuer
from auth.viewer import ANONYMOUS, Viewer
from connectors.freshness import ReadFreshness, dropped_early, note_fresh_for
from gateway.errors import HubSchema
from gateway.execution import WholeAnswers
from gateway.execution.plan import Plan
from gateway.execution.whole import KEPT_WHOLE_MAX_S
from gateway.settings import Settings
from resolvers.context import Context, Services
from tests.conftest import CountingTransport
from tests.gateway.serving import served

SIRET = "84215637400014"
PUBLIC = (
    "query($s:String!){company(siret:$s){siret name naf{code label} "
    "address{city postalCode departmentCode} active}}"
)
WITH_ACCESS = "query($s:String!){company(siret:$s){siret name viewerAccess}}"
DURAND = "pierre.durand@cci-gard.example"


class _Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def _answer(
    schema: HubSchema, services: Services, whole: WholeAnswers, query: str, viewer: Viewer
) -> bytes | None:
    variables = {"s": SIRET}
    kept = schema.compiled.kept_whole(whole, query, None, variables, viewer)
    if kept is not None:
        return kept
    context = Context.create(viewer, services, "whole")
    return await schema.compiled.answer_encoded(
        query, None, variables, viewer, context, orjson.dumps, whole
    )


def _runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the plans run."""
    runs: list[int] = []
    run = Plan.run

    async def counted(self: Plan, context: Any, variables: Any, **options: Any) -> dict[str, Any]:
        runs.append(1)
        return await run(self, context, variables, **options)

    monkeypatch.setattr(Plan, "run", counted)
    return runs


async def test_an_anonymous_answer_of_public_records_is_kept_once_read_from_the_cache(
    schema: HubSchema,
    services: Services,
    upstream: CountingTransport,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    schema.compiled.learn(PUBLIC, None)
    whole, runs = WholeAnswers(), _runs(monkeypatch)

    cold = await _answer(schema, services, whole, PUBLIC, ANONYMOUS)  # API Entreprise called
    warm = await _answer(schema, services, whole, PUBLIC, ANONYMOUS)  # its cached copy: kept
    kept = await _answer(schema, services, whole, PUBLIC, ANONYMOUS)

    assert cold is not None and orjson.loads(cold)["data"]["company"]["siret"] == SIRET
    assert cold == warm == kept
    assert len(runs) == 2  # the third was handed the second's bytes
    assert upstream.count("/etablissements/") == 1


async def test_a_signed_in_viewer_is_never_handed_a_kept_answer(
    schema: HubSchema,
    services: Services,
    issuer: DevTokenIssuer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    schema.compiled.learn(PUBLIC, None)
    token = issuer.issue(subject=DURAND, email=DURAND)
    durand = await Authenticator(issuer, services.hub, services.directory).viewer(f"Bearer {token}")
    whole, runs = WholeAnswers(), _runs(monkeypatch)
    for _ in range(2):
        await _answer(schema, services, whole, PUBLIC, ANONYMOUS)
    for _ in range(3):
        assert await _answer(schema, services, whole, PUBLIC, durand) is not None

    assert len(runs) == 2 + 3  # every signed-in request ran its plan
    assert schema.compiled.kept_whole(whole, PUBLIC, None, {"s": SIRET}, durand) is None


async def test_an_answer_with_a_field_that_reads_more_than_partner_records_is_not_kept(
    schema: HubSchema, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema.compiled.learn(WITH_ACCESS, None)
    whole, runs = WholeAnswers(), _runs(monkeypatch)
    for _ in range(3):
        body = await _answer(schema, services, whole, WITH_ACCESS, ANONYMOUS)
        assert body is not None and orjson.loads(body)["data"]["company"]["viewerAccess"]

    assert len(runs) == 3  # viewerAccess reads the viewer: not tiered(..., reads_only=True)


async def test_a_kept_answer_is_not_handed_out_once_cached_copies_were_dropped_early(
    schema: HubSchema, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema.compiled.learn(PUBLIC, None)
    whole, runs = WholeAnswers(), _runs(monkeypatch)
    for _ in range(3):
        await _answer(schema, services, whole, PUBLIC, ANONYMOUS)
    dropped_early()  # RawCache.delete or clear
    await _answer(schema, services, whole, PUBLIC, ANONYMOUS)

    assert len(runs) == 3


def test_the_same_variables_in_another_order_find_the_same_answer() -> None:
    first = WholeAnswers.key("q", None, {"a": 1, "b": {"c": 2, "d": 3}})
    second = WholeAnswers.key("q", None, {"b": {"d": 3, "c": 2}, "a": 1})

    assert first == second
    assert WholeAnswers.key("q", "Named", {"a": 1}) != WholeAnswers.key("q", None, {"a": 1})


def _fresh_for(seconds: float) -> ReadFreshness:
    freshness = ReadFreshness()
    freshness.fresh_for = seconds
    return freshness


def test_an_answer_is_kept_no_longer_than_its_records_stay_fresh() -> None:
    clock = _Clock()
    whole = WholeAnswers(clock=clock)
    started = whole.start("q", None, None)
    assert started is not None
    key = started.key
    whole.keep(started, b"answer", _fresh_for(10))

    clock.now += 9.9
    assert whole.get(key) == b"answer"
    clock.now += 0.1
    assert whole.get(key) is None


def test_an_answer_is_kept_at_most_the_bound_however_long_its_records_stay_fresh() -> None:
    clock = _Clock()
    whole = WholeAnswers(clock=clock)
    started = whole.start("q", None, None)
    assert started is not None
    key = started.key
    whole.keep(started, b"answer", _fresh_for(86_400))

    clock.now += KEPT_WHOLE_MAX_S - 1
    assert whole.get(key) == b"answer"
    clock.now += 1
    assert whole.get(key) is None


def test_an_answer_with_a_read_that_was_not_a_fresh_copy_is_not_kept() -> None:
    whole = WholeAnswers()
    key = WholeAnswers.key("q", None, None)
    assert key is not None
    unsettled = _fresh_for(10)
    unsettled.settled = False
    for freshness in (unsettled, _fresh_for(0)):  # the second: expired as it was read
        started = whole.start("q", None, None)
        assert started is not None
        whole.keep(started, b"answer", freshness)

    assert whole.get(key) is None


def test_the_oldest_answer_is_dropped_past_the_bound() -> None:
    whole = WholeAnswers(size=2)
    keys = [WholeAnswers.key(f"q{n}", None, None) for n in range(3)]
    for key in keys:
        assert key is not None
        started = whole.start(key[0], None, None)
        assert started is not None
        whole.keep(started, key[0].encode(), _fresh_for(10))

    assert [whole.get(k) for k in keys if k is not None] == [None, b"q1", b"q2"]


def test_a_copy_read_outside_a_request_that_may_be_kept_notes_nothing() -> None:
    note_fresh_for(1.0)  # no record open: nothing to note, nothing raised


@pytest.mark.parametrize(("keep", "runs"), [(True, 1), (False, 3)])
async def test_over_http_keep_public_answers_decides_whether_answers_are_kept(
    keep: bool,
    runs: int,
    database_url: str,
    upstream: CountingTransport,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings(
        database_url=database_url,
        dev_secret_file=tmp_path / "secret",
        scheduler_enabled=False,
        keep_public_answers=keep,
    )
    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    counted = _runs(monkeypatch)
    request = {"query": PUBLIC, "variables": {"s": SIRET}}
    async with served(settings, entreprise_client=sandbox) as gateway:
        first = await gateway.client.post("/graphql", json=request)  # graphql-core; the plan learnt
        answers = [await gateway.client.post("/graphql", json=request) for _ in range(3)]

    assert {a.content for a in answers} == {first.content}
    assert all(a.status_code == 200 and a.headers["x-request-id"] for a in answers)
    assert len(counted) == runs  # the plan read the copy graphql-core cached: kept from then
