"""Identity providers in the settings: OIDC_PROVIDERS (a JSON list), OIDC_ISSUER as one
agents' provider, and the dev issuer off as soon as any is configured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.app import dev_issuer
from gateway.settings import ConfigurationError, IdentityProvider, Settings

PROVIDERS = [
    {"issuer": "https://proconnect.example/api/v2", "audience": "hub-client", "kind": "agent"},
    {"issuer": "https://login.hub.example/realms/hub", "kind": "COMPANY"},
]


def test_oidc_providers_are_read_from_a_json_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OIDC_PROVIDERS", json.dumps(PROVIDERS))
    assert Settings().identity_providers == [
        IdentityProvider(issuer="https://proconnect.example/api/v2", audience="hub-client",
                         kind="AGENT"),
        IdentityProvider(issuer="https://login.hub.example/realms/hub", audience="hub-gateway",
                         kind="COMPANY"),
    ]  # fmt: skip


def test_oidc_issuer_alone_is_one_agents_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OIDC_ISSUER", "https://proconnect.example/api/v2")
    monkeypatch.setenv("OIDC_AUDIENCE", "hub-client")
    assert Settings().identity_providers == [
        IdentityProvider(issuer="https://proconnect.example/api/v2", audience="hub-client",
                         kind="AGENT")
    ]  # fmt: skip


def test_oidc_issuer_and_providers_add_up_but_an_issuer_is_configured_once() -> None:
    both = Settings(oidc_issuer="https://a.example", oidc_providers=[PROVIDERS[1]])  # type: ignore[list-item]
    assert [p.kind for p in both.identity_providers] == ["AGENT", "COMPANY"]
    with pytest.raises(ConfigurationError, match="twice"):
        Settings(oidc_issuer=PROVIDERS[1]["issuer"], oidc_providers=[PROVIDERS[1]])  # type: ignore[list-item]


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        Settings(oidc_providers=[{"issuer": "https://a.example", "kind": "PARTNER"}])  # type: ignore[list-item]


def test_production_needs_an_identity_provider() -> None:
    with pytest.raises(ConfigurationError, match="OIDC_ISSUER or OIDC_PROVIDERS"):
        Settings(mode="production", entreprise_url="https://entreprise.api.gouv.fr")
    configured = Settings(mode="production", entreprise_url="https://entreprise.api.gouv.fr",
                          oidc_providers=PROVIDERS, **CATALOGUES)  # type: ignore[arg-type]  # fmt: skip
    assert len(configured.identity_providers) == 2


CATALOGUES = {
    "region_catalogue_url": "https://region.test",
    "bpifrance_catalogue_url": "https://bpifrance.test",
    "francenum_url": "https://francenum.test",
    "crealia_url": "https://crealia.test",
    "france_initiative_url": "https://franceinitiative.test",
    "irdi_soridec_url": "https://irdisoridec.test",
    "mesaides_url": "https://mesaides.test",
    "del_url": "https://del.test",
    "events_url": "https://openagenda.test",
    "news_url": "https://region.test/actualites/rss.xml",
}


def test_production_needs_every_catalogue() -> None:
    with pytest.raises(ConfigurationError, match="BPIFRANCE_CATALOGUE_URL, FRANCENUM_URL"):
        Settings(mode="production", entreprise_url="https://entreprise.api.gouv.fr",
                 oidc_providers=PROVIDERS, region_catalogue_url="https://region.test")  # type: ignore[arg-type]  # fmt: skip


def test_the_dev_issuer_refuses_to_run_beside_oidc_providers(tmp_path: Path) -> None:
    settings = Settings(oidc_providers=PROVIDERS, dev_secret_file=tmp_path / "s")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="OIDC_PROVIDERS"):
        dev_issuer(settings)
    assert not (tmp_path / "s").exists()


def test_without_any_provider_the_sandbox_keeps_its_dev_issuer(tmp_path: Path) -> None:
    settings = Settings(dev_secret_file=tmp_path / "s")
    assert settings.identity_providers == []
    token = dev_issuer(settings).issue(subject="x", email="a@b.example")
    assert dev_issuer(settings).verify(token).email == "a@b.example"
