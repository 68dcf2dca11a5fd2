"""The partners' settings, a part of ``Settings``: where each partner answers, its keys and
its sandbox's port, and how long what it says stays fresh. Unset in sandbox mode, a
partner's URL is its sandbox on this machine (the ``resolved_*`` URLs)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings

__all__ = ["PartnerSettings"]


class PartnerSettings(BaseSettings):
    entreprise_url: str | None = Field(
        None,
        description="API Entreprise base URL; unset in sandbox mode = the sandbox on SANDBOX_PORT.",
    )
    entreprise_token: SecretStr = Field(
        SecretStr("sandbox-token"), description="API Entreprise bearer token."
    )
    entreprise_recipient: str = Field(
        "20005379100014", description="SIRET of the hub operator, sent as `recipient`."
    )
    entreprise_timeout: float = Field(5.0, description="Budget per API Entreprise call (s).")
    region_catalogue_url: str | None = Field(
        None, description="The Régions' aid catalogue; unset in sandbox mode = the sandbox."
    )
    bpifrance_catalogue_url: str | None = Field(
        None, description="Bpifrance's aid catalogue; unset in sandbox mode = the sandbox."
    )
    bpifrance_api_key: SecretStr = Field(
        SecretStr("sandbox-bpifrance-key"), description="Bpifrance catalogue API key."
    )
    francenum_url: str | None = Field(
        None, description="France Num (schemes, activators); unset in sandbox mode = the sandbox."
    )
    crealia_url: str | None = Field(
        None, description="Créalia's honour loans; unset in sandbox mode = the sandbox."
    )
    crealia_sandbox_port: int = Field(8013, description="Port of the Créalia sandbox.")
    france_initiative_url: str | None = Field(
        None,
        description="France Initiative's honour loans (JSON:API); unset in sandbox mode = the "
        "sandbox.",
    )
    france_initiative_key: SecretStr = Field(
        SecretStr("sandbox-franceinitiative-key"),
        description="France Initiative API token (sent as `Authorization: Token …`).",
    )
    france_initiative_sandbox_port: int = Field(
        8014, description="Port of the France Initiative sandbox."
    )
    irdi_soridec_url: str | None = Field(
        None, description="Irdi-Soridec's equity funds; unset in sandbox mode = the sandbox."
    )
    irdi_soridec_sandbox_port: int = Field(8015, description="Port of the Irdi-Soridec sandbox.")
    catalogue_ttl_s: float = Field(3600.0, description="How long a catalogue is fresh (s).")
    catalogues_sandbox_port: int = Field(
        8002, description="Port of the in-process aid-catalogue sandbox."
    )
    sandbox_port: int = Field(8001, description="Port of the in-process sandbox partners.")
    mesaides_url: str | None = Field(
        None,
        description="Mes aides en ligne (Portail des aides); unset in sandbox mode = the sandbox.",
    )
    mesaides_token: SecretStr = Field(
        SecretStr("sandbox-mesaides-token"), description="Mes aides en ligne bearer token."
    )
    mesaides_sandbox_port: int = Field(8003, description="Port of the Mes aides en ligne sandbox.")
    del_url: str | None = Field(
        None,
        description="DEL (démarches-simplifiées GraphQL); unset in sandbox mode = the sandbox.",
    )
    del_token: SecretStr = Field(SecretStr("sandbox-del-token"), description="DEL bearer token.")
    del_sandbox_port: int = Field(8004, description="Port of the DEL sandbox.")
    events_url: str | None = Field(
        None,
        description="OpenAgenda's API (the Région's events agenda); unset in sandbox mode = the "
        "sandbox.",
    )
    events_agenda_uid: str = Field("48213960", description="The OpenAgenda agenda's uid.")
    events_key: SecretStr = Field(
        SecretStr("sandbox-openagenda-key"), description="OpenAgenda public read key."
    )
    events_sandbox_port: int = Field(8011, description="Port of the OpenAgenda sandbox.")
    news_url: str | None = Field(
        None, description="The Région's news feed (RSS/Atom); unset in sandbox mode = the sandbox."
    )
    news_sandbox_port: int = Field(8012, description="Port of the news feed sandbox.")
    feeds_ttl_s: float = Field(900.0, description="How long the events and news are fresh (s).")
    platforms_ttl_s: float = Field(
        120.0, description="How long a company's applications on a platform are fresh (s)."
    )
    sandbox_latency_ms: float = Field(0.0, description="Latency the sandbox adds per call.")

    @property
    def resolved_entreprise_url(self) -> str:
        return self.entreprise_url or f"http://127.0.0.1:{self.sandbox_port}"

    @property
    def resolved_mesaides_url(self) -> str:
        return self.mesaides_url or f"http://127.0.0.1:{self.mesaides_sandbox_port}"

    @property
    def resolved_del_url(self) -> str:
        return self.del_url or f"http://127.0.0.1:{self.del_sandbox_port}"

    @property
    def resolved_events_url(self) -> str:
        return self.events_url or f"http://127.0.0.1:{self.events_sandbox_port}"

    @property
    def resolved_news_url(self) -> str:
        """The feed's full URL (the sandbox serves it at ``/actualites/rss.xml``)."""
        return self.news_url or f"http://127.0.0.1:{self.news_sandbox_port}/actualites/rss.xml"

    @property
    def catalogues_sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.catalogues_sandbox_port}"

    @property
    def resolved_crealia_url(self) -> str:
        return self.crealia_url or f"http://127.0.0.1:{self.crealia_sandbox_port}"

    @property
    def resolved_france_initiative_url(self) -> str:
        return (
            self.france_initiative_url or f"http://127.0.0.1:{self.france_initiative_sandbox_port}"
        )

    @property
    def resolved_irdi_soridec_url(self) -> str:
        return self.irdi_soridec_url or f"http://127.0.0.1:{self.irdi_soridec_sandbox_port}"
