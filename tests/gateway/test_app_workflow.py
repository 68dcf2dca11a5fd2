"""The workflow through the running app: an answer over HTTP, its e-mail sent by the
scheduled outbox to the sandbox SMTP sink."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from gateway.app import dev_issuer
from gateway.settings import Settings
from tests.conftest import CountingTransport
from tests.gateway.serving import served


async def test_an_accepted_request_is_mailed_to_the_company_by_the_outbox(
    database_url: str, tmp_path: Path, upstream: CountingTransport
) -> None:
    mail = tmp_path / "mail"
    settings = Settings(
        database_url=database_url,
        dev_secret_file=tmp_path / "secret",
        mail_folder=mail,
        outbox_interval_s=0.05,
        reminders_interval_s=3600,
    )
    issuer = dev_issuer(settings)

    def auth(email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issuer.issue(subject=email, email=email)}"}

    sandbox = httpx.AsyncClient(base_url="http://sandbox.test", transport=upstream)
    async with served(settings, entreprise_client=sandbox) as gateway:
        found = await gateway.client.post(
            "/graphql",
            headers=auth("paul.girard@biocosmetiques.example"),
            json={"query": '{ company(siret: "44306184100047") { referent { id } } }'},
        )
        assignment = found.json()["data"]["company"]["referent"]["id"]
        answered = await gateway.client.post(
            "/graphql",
            headers=auth("pierre.durand@cci-gard.example"),
            json={
                "query": "mutation($id: ID!) { respondToReferentRequest(assignmentId: $id, "
                "accept: true) { status } }",
                "variables": {"id": assignment},
            },
        )
        assert answered.json()["data"]["respondToReferentRequest"]["status"] == "ACCEPTED"
        async with asyncio.timeout(30):  # a bound on the wait, not a timing
            while not any(
                "paul.girard@biocosmetiques.example" in p.read_text(errors="ignore")
                for p in mail.glob("*.eml")
            ):
                await asyncio.sleep(0.05)
