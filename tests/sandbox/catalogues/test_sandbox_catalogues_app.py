"""The catalogue sandbox validates its parameters, wants Bpifrance's key, fails on demand in
each source's own error body and counts calls per source."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from sandbox.catalogues import BPIFRANCE_API_KEY, CataloguesConfig, create_app, payloads
from sandbox.catalogues.__main__ import main
from sandbox.entreprise.faults import SandboxConfig

REGION = "/region/api/v1/dispositifs"
BPIFRANCE = "/bpifrance/api/aids/"
SCHEMES = "/francenum/api/v2/dispositifs"
ACTIVATORS = "/francenum/api/v2/activateurs"
KEY = {"X-Api-Key": BPIFRANCE_API_KEY}
LISTINGS = [("region", REGION), ("bpifrance", BPIFRANCE), ("francenum", SCHEMES),
            ("francenum", ACTIVATORS)]  # fmt: skip


def _client(config: CataloguesConfig | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(config)), base_url="http://sandbox"
    )


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with _client() as client:
        yield client


# Région


@pytest.mark.parametrize(
    "params", [{"per_page": "0"}, {"per_page": "101"}, {"per_page": "ten"}, {"per_page": "-1"},
               {"page": "0"}, {"page": "x"}, {"page": "1.5"}],
)  # fmt: skip
async def test_region_refuses_bad_paging_with_its_error_body(
    client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await client.get(REGION, params=params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    assert next(iter(params)) in error["message"]


async def test_region_defaults_to_50_per_page_and_answers_empty_past_the_end(
    client: httpx.AsyncClient,
) -> None:
    first = (await client.get(REGION)).json()
    past = (await client.get(REGION, params={"page": 99})).json()

    assert first["meta"]["per_page"] == 50 and len(first["data"]) == 50
    assert past["data"] == [] and past["links"]["next"] is None
    assert past["meta"]["total"] == len(payloads().region)


# Bpifrance


@pytest.mark.parametrize(
    ("headers", "detail"),
    [({}, "Informations d'authentification non fournies."),
     ({"X-Api-Key": "wrong"}, "Clé d'API invalide.")],
)  # fmt: skip
async def test_bpifrance_wants_its_api_key(
    client: httpx.AsyncClient, headers: dict[str, str], detail: str
) -> None:
    response = await client.get(BPIFRANCE, headers=headers, params={"page_size": 0})

    assert response.status_code == 401
    assert response.json() == {"detail": detail}


async def test_bpifrance_answers_with_the_key_and_30_per_page(client: httpx.AsyncClient) -> None:
    body = (await client.get(BPIFRANCE, headers=KEY)).json()

    assert body["count"] == len(payloads().bpifrance)
    assert len(body["results"]) == 30
    assert body["next"].endswith("/bpifrance/api/aids/?page=2&page_size=30")


@pytest.mark.parametrize("page_size", ["0", "101", "many"])
async def test_bpifrance_refuses_a_bad_page_size(client: httpx.AsyncClient, page_size: str) -> None:
    response = await client.get(BPIFRANCE, headers=KEY, params={"page_size": page_size})

    assert response.status_code == 400
    assert "page_size" in response.json()["detail"]


@pytest.mark.parametrize("page", ["0", "last", "99"])
async def test_bpifrance_answers_404_for_an_invalid_or_past_the_end_page(
    client: httpx.AsyncClient, page: str
) -> None:
    response = await client.get(BPIFRANCE, headers=KEY, params={"page": page})

    assert response.status_code == 404
    assert response.json() == {"detail": "Page invalide."}


# France Num


@pytest.mark.parametrize("path", [SCHEMES, ACTIVATORS])
@pytest.mark.parametrize("limit", ["0", "501", "all"])
async def test_francenum_refuses_a_bad_limit(
    client: httpx.AsyncClient, path: str, limit: str
) -> None:
    response = await client.get(path, params={"limit": limit})

    assert response.status_code == 400
    assert "limit" in response.json()["erreur"]


async def test_francenum_refuses_unknown_cursors(client: httpx.AsyncClient) -> None:
    schemes_cursor = (await client.get(SCHEMES, params={"limit": 5})).json()["next_cursor"]
    activators_cursor = (await client.get(ACTIVATORS, params={"limit": 5})).json()["next_cursor"]
    assert (await client.get(SCHEMES, params={"cursor": schemes_cursor})).status_code == 200

    for path, cursor in [(SCHEMES, "not-a-cursor!"), (SCHEMES, "ZGlzcG9zaXRpZnM6OTk5OTk"),
                         (SCHEMES, activators_cursor), (ACTIVATORS, schemes_cursor),
                         (ACTIVATORS, "")]:  # fmt: skip
        response = await client.get(path, params={"cursor": cursor})
        assert response.status_code == 400, (path, cursor)
        assert response.json() == {"erreur": "curseur invalide"}


async def test_francenum_defaults_to_50_items(client: httpx.AsyncClient) -> None:
    body = (await client.get(ACTIVATORS)).json()
    assert len(body["items"]) == 50 and body["total"] == len(payloads().activators)


# Faults, latency and stats


@pytest.mark.parametrize(("source", "path"), LISTINGS)
async def test_error_rate_one_answers_5xx_in_the_source_error_body(
    client: httpx.AsyncClient, source: str, path: str
) -> None:
    await client.post(f"/{source}/_sandbox/faults", json={"error_rate": 1})

    response = await client.get(path, headers=KEY)

    assert response.status_code in (502, 503)
    assert set(response.json()) == {"region": {"error"}, "bpifrance": {"detail"},
                                    "francenum": {"erreur"}}[source]  # fmt: skip


@pytest.mark.parametrize(("source", "path"), LISTINGS)
async def test_rate_limit_rate_one_answers_429_with_retry_after(
    client: httpx.AsyncClient, source: str, path: str
) -> None:
    await client.post(f"/{source}/_sandbox/faults", json={"rate_limit_rate": 1})

    response = await client.get(path, headers=KEY)

    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"


async def test_timeout_rate_hangs_for_timeout_seconds_then_answers_504(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/region/_sandbox/faults", json={"timeout_rate": 1, "timeout_seconds": 0.05})

    response = await client.get(REGION)

    assert response.status_code == 504
    assert response.json()["error"]["code"] == "timeout"


async def test_faults_belong_to_one_source(client: httpx.AsyncClient) -> None:
    await client.post("/bpifrance/_sandbox/faults", json={"error_rate": 1})

    assert (await client.get(REGION)).status_code == 200
    assert (await client.get(SCHEMES)).status_code == 200
    assert (await client.get(BPIFRANCE, headers=KEY)).status_code in (502, 503)
    assert (await client.get("/region/_sandbox/faults")).json()["error_rate"] == 0


async def test_configured_faults_apply_to_every_source() -> None:
    async with _client(CataloguesConfig(faults=SandboxConfig(error_rate=1))) as client:
        for _, path in LISTINGS:
            assert (await client.get(path, headers=KEY)).status_code in (502, 503)


async def test_faults_can_be_read_changed_and_rejected(client: httpx.AsyncClient) -> None:
    changed = await client.post("/francenum/_sandbox/faults",
                                json={"latency_ms": 5, "error_rate": 0.5})  # fmt: skip
    assert changed.json()["latency_ms"] == 5 and changed.json()["error_rate"] == 0.5
    assert (await client.get("/francenum/_sandbox/faults")).json()["latency_ms"] == 5
    for bad in ({"error_rate": 2}, {"nope": 1}, {"latency_ms": -1}):
        assert (await client.post("/francenum/_sandbox/faults", json=bad)).status_code == 400
    refused = await client.post("/francenum/_sandbox/faults", content=b"[1]")
    assert refused.status_code == 400


async def test_latency_still_answers(client: httpx.AsyncClient) -> None:
    await client.post("/region/_sandbox/faults", json={"latency_ms": 1})
    assert (await client.get(REGION)).status_code == 200


async def test_stats_count_calls_per_path_per_source_and_reset(
    client: httpx.AsyncClient,
) -> None:
    await client.get(SCHEMES)
    await client.get(ACTIVATORS)
    await client.get(ACTIVATORS, params={"limit": 0})
    await client.get(REGION)
    await client.get(BPIFRANCE)  # refused, still counted

    francenum = (await client.get("/francenum/_sandbox/stats")).json()
    assert francenum == {"total": 3, "calls": {SCHEMES: 1, ACTIVATORS: 2}}
    assert (await client.get("/bpifrance/_sandbox/stats")).json()["calls"] == {BPIFRANCE: 1}

    reset = await client.post("/francenum/_sandbox/stats/reset")
    assert reset.json() == {"total": 0, "calls": {}}
    assert (await client.get("/francenum/_sandbox/stats")).json()["total"] == 0
    assert (await client.get("/region/_sandbox/stats")).json()["total"] == 1


def test_entry_point_serves_on_the_port_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    served: dict[str, object] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **options: served.update(options, app=app))

    main(["--port", "8142", "--latency-ms", "40"])

    assert served["port"] == 8142 and served["host"] == "127.0.0.1"
    sources = served["app"].state.sources  # type: ignore[attr-defined]
    assert sources["region"].faults.config.latency_ms == 40
