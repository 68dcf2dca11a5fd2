"""The two sandboxes over HTTP: token, idempotent filing (201 then 200, one application),
find by key, payment request, not found, injected faults."""

from __future__ import annotations

import httpx

from sandbox.del_ import create_app as create_del
from sandbox.mesaides import create_app as create_mesaides
from sandbox.platforms.config import DEL_TOKEN, MESAIDES_TOKEN

LEROY = "84215637400014"
DEMANDE = {"siret": LEROY, "dispositif": "paysdelaloire:investissement-numerique",
           "intitule_projet": "ERP", "montant_demande": "15000.00"}  # fmt: skip


def client(app: object, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
        base_url="http://platform.test",
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_mesaides_refuses_a_call_without_its_token() -> None:
    async with client(create_mesaides(), "wrong") as c:
        response = await c.get("/api/v1/demandes", params={"siret": LEROY})
    assert response.status_code == 401


async def test_mesaides_files_once_per_idempotency_key() -> None:
    async with client(create_mesaides(), MESAIDES_TOKEN) as c:
        first = await c.post("/api/v1/demandes", json=DEMANDE, headers={"Idempotency-Key": "k"})
        again = await c.post("/api/v1/demandes", json=DEMANDE, headers={"Idempotency-Key": "k"})
        by_key = await c.get("/api/v1/demandes", params={"cle_idempotence": "k"})
        listed = await c.get("/api/v1/demandes", params={"siret": LEROY})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["numero"] == again.json()["numero"]
    assert [d["numero"] for d in by_key.json()["demandes"]] == [first.json()["numero"]]
    assert listed.json()["pagination"]["total"] == 2  # the seeded demande and this one


async def test_mesaides_wants_a_key_and_a_valid_body() -> None:
    async with client(create_mesaides(), MESAIDES_TOKEN) as c:
        keyless = await c.post("/api/v1/demandes", json=DEMANDE)
        invalid = await c.post("/api/v1/demandes", json={**DEMANDE, "montant_demande": "-5"},
                               headers={"Idempotency-Key": "k2"})  # fmt: skip
        missing = await c.get("/api/v1/demandes/MAEL-2099-999999")
    assert (keyless.status_code, invalid.status_code, missing.status_code) == (400, 422, 404)


async def test_mesaides_injected_errors_answer_5xx() -> None:
    app = create_mesaides()
    async with client(app, MESAIDES_TOKEN) as c:
        await c.post("/_sandbox/faults", json={"error_rate": 1.0})
        response = await c.get("/api/v1/demandes", params={"siret": LEROY})
    assert response.status_code in (502, 503)


async def test_del_deposits_once_per_key_and_takes_a_payment_request() -> None:
    deposer = """mutation($input: DossierDeposerInput!) {
      dossierDeposer(input: $input) { dossier { number state } errors { message } } }"""
    variables = {"input": {"siret": LEROY, "dispositif": "region:parcours-industrie-du-futur",
                           "idempotencyKey": "k", "champs": [
                               {"label": "Intitulé du projet", "value": "Diagnostic"},
                               {"label": "Montant sollicité", "value": "20000.00"}]}}  # fmt: skip
    paiement = """mutation { dossierDemanderPaiement(input: {dossierNumber: 1001,
      nature: "solde", montant: "1000.00", idempotencyKey: "p", factures: []}) {
      dossier { number paiements { nature etat } } errors { message } } }"""
    async with client(create_del(), DEL_TOKEN) as c:
        first = (
            await c.post("/api/v2/graphql", json={"query": deposer, "variables": variables})
        ).json()
        again = (
            await c.post("/api/v2/graphql", json={"query": deposer, "variables": variables})
        ).json()
        paid = (await c.post("/api/v2/graphql", json={"query": paiement})).json()
    assert first["data"]["dossierDeposer"]["dossier"]["state"] == "en_construction"
    assert first["data"]["dossierDeposer"]["dossier"] == again["data"]["dossierDeposer"]["dossier"]
    assert paid["data"]["dossierDemanderPaiement"]["dossier"]["paiements"][-1] == {
        "nature": "solde", "etat": "demande"}  # fmt: skip


async def test_del_unknown_dossier_is_a_not_found_error() -> None:
    async with client(create_del(), DEL_TOKEN) as c:
        body = (await c.post("/api/v2/graphql",
                             json={"query": "{ dossier(number: 99999) { number } }"})).json()  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "not_found"
