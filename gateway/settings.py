"""Configuration, from the environment (or a ``.env`` file). Every setting has an embedded
default, so ``make serve`` needs none."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from gateway.settings_limits import RequestLimitSettings
from gateway.settings_partners import PartnerSettings

__all__ = ["ConfigurationError", "IdentityProvider", "Settings"]


_LOCAL_ORIGINS = r"http://(localhost|127\.0\.0\.1)(:[0-9]{1,5})?"


class ConfigurationError(Exception):
    """The configuration cannot run: the message says what to change."""


class IdentityProvider(BaseModel):
    """One OpenID Connect issuer whose tokens the gateway accepts (an item of
    ``OIDC_PROVIDERS``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issuer: str = Field(description="Compared exactly with the tokens' `iss`.")
    audience: str = Field("hub-gateway", description="The hub's client id at this provider.")
    kind: Literal["AGENT", "COMPANY"] = Field(
        description="AGENT: network agents (ProConnect-style); COMPANY: company users and "
        "project holders (the hub's own provider)."
    )
    algorithms: tuple[str, ...] = Field(("RS256", "ES256"), description="Accepted `alg`s.")
    assured_acr_values: tuple[str, ...] = Field(
        ("eidas2", "eidas3"),
        description="The `acr` values by which this provider vouches for a person's identity "
        "(a signed-up person then needs no identity document).",
    )

    @field_validator("kind", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


class Settings(PartnerSettings, RequestLimitSettings):
    """Every setting: the partners' in ``PartnerSettings``, the request limits in
    ``RequestLimitSettings``, the rest here."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    mode: Literal["sandbox", "production"] = Field(
        "sandbox", description="sandbox: in-process partner stand-ins and the dev token issuer."
    )
    host: str = Field("127.0.0.1", description="Address the gateway binds to.")
    port: int = Field(8000, description="Port the gateway listens on.")
    database_url: str = Field(
        "sqlite+aiosqlite:///var/hub.db", description="The hub database (SQLite or PostgreSQL)."
    )
    database_connect_timeout_s: float = Field(
        3.0, gt=0, description="PostgreSQL: the longest wait (s) to open a connection."
    )
    database_statement_timeout_s: float = Field(
        5.0,
        gt=0,
        description="PostgreSQL: the longest statement (s), cancelled by the server "
        "(statement_timeout), given up by the gateway one second later if the server hangs.",
    )
    database_pool_timeout_s: float = Field(
        2.0, gt=0, description="PostgreSQL: the longest wait (s) for a free pooled connection."
    )
    database_retry_s: float = Field(
        1.0,
        gt=0,
        description="PostgreSQL: after a failure, requests are refused at once (HTTP 503) "
        "this long (s), then one tries the database again.",
    )
    cache_url: str | None = Field(
        None, description="redis://… for a shared cache; in-memory when unset."
    )
    broker_url: str | None = Field(
        None,
        description="Live notifications across instances: postgresql://… (LISTEN/NOTIFY) or "
        "redis://… (pub/sub); in-process (one instance) when unset.",
    )
    oidc_issuer: str | None = Field(
        None,
        description="A real agents' identity provider (kind AGENT); the dev token issuer then "
        "refuses to run.",
    )
    oidc_audience: str = Field(
        "hub-gateway", description="The audience (client id) OIDC_ISSUER's tokens must name."
    )
    oidc_providers: list[IdentityProvider] = Field(
        default_factory=list,
        description='JSON list of `{"issuer", "audience", "kind"}`: every identity provider '
        "(besides OIDC_ISSUER); the dev token issuer then refuses to run.",
    )
    oidc_timeout: float = Field(
        2.0, description="Budget (s) to fetch a provider's discovery document and keys."
    )
    oidc_max_stale_s: float = Field(
        6 * 3600.0,
        description="How long (s) past their hour a provider's cached keys stay in use while "
        "the provider is unreachable.",
    )
    dev_secret_file: Path = Field(
        Path("var/dev-token-secret"), description="The dev issuer's signing key (sandbox)."
    )
    api_key_pepper: SecretStr | None = Field(
        None,
        description="Server secret of the partner API keys' hashes (16+ bytes); unset in "
        "sandbox mode = API_KEY_PEPPER_FILE, made on first use; needed in production.",
    )
    api_key_pepper_file: Path = Field(
        Path("var/api-key-pepper"), description="The sandbox's API key pepper."
    )
    smtp_host: str | None = Field(
        None, description="SMTP server for e-mail; unset in sandbox mode = the local sink."
    )
    smtp_port: int = Field(587, description="SMTP port.")
    smtp_username: str | None = Field(None, description="SMTP user, if the server needs one.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    smtp_starttls: bool = Field(True, description="Require STARTTLS with SMTP_HOST.")
    smtp_sender: str = Field(
        "Hub Entreprendre Occitanie <no-reply@hub-entreprendre.example>",
        description="From: of the hub's e-mails.",
    )
    satisfaction_survey_url: str = Field(
        "http://127.0.0.1:8000/enquete-satisfaction",
        description="The portal's page where a supported client answers the yearly "
        "satisfaction survey (it calls answerSatisfactionSurvey); each survey e-mail links to "
        "it with `?token=` and the survey's secret token.",
    )
    sandbox_smtp_port: int = Field(
        0, description="Port of the sandbox SMTP sink (0: any free port)."
    )
    mail_folder: Path = Field(
        Path("var/mail"), description="Where the sandbox SMTP sink writes what it receives."
    )
    scheduler_enabled: bool = Field(
        True, description="Run the outbox and reminder jobs in this process."
    )
    outbox_interval_s: float = Field(15.0, description="How often the e-mail outbox is sent.")
    outbox_batch_size: int = Field(
        100, ge=1, description="E-mails claimed at a time by a flush, which drains the outbox."
    )
    outbox_concurrency: int = Field(
        4, ge=1, description="SMTP connections a flush uses at once (each reused for many)."
    )
    reminders_interval_s: float = Field(60.0, description="How often due reminders are sent.")
    reconcile_interval_s: float = Field(
        30.0, description="How often filings left unconfirmed are looked up on the platforms."
    )
    status_poll_interval_s: float = Field(
        120.0, description="How often the platforms are polled for status changes."
    )
    file_store_path: Path = Field(
        Path("var/files"),
        description="The folder of the file store (identity documents), outside the database; "
        "readable by the gateway's user only.",
    )
    identity_document_max_bytes: int = Field(
        5_000_000, ge=1, description="Largest identity document accepted (PDF, JPEG or PNG)."
    )
    introspection: bool = Field(
        True,
        description="Whether the schema can be introspected; on by default in sandbox mode, "
        "off by default in production mode.",
    )
    cors_allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins (`https://app.example`, comma-separated) whose pages may call "
        "/graphql from a browser; empty: none (in sandbox mode, any http://localhost or "
        "http://127.0.0.1 port). Tokens travel in the Authorization header: no credentials.",
    )
    trusted_documents_only: bool = Field(
        False,
        description="Run only the administrator's trusted documents (by `documentId` or "
        "hash): free text and automatic persisted queries are refused with a coded 400.",
    )
    keep_public_answers: bool = Field(
        True,
        description="Whether an anonymous answer made only of public partner records (a "
        "company's Sirene identity) is kept whole and handed out again while those records "
        "stay fresh in the cache (at most 60 s; docs/execution.md); false: every request "
        "runs its operation.",
    )
    apq_cache_size: int = Field(
        2048,
        ge=1,
        description="Automatic persisted queries kept in process (an LRU; also in Redis, "
        "for a day, when CACHE_URL is redis://).",
    )
    field_suggestions: bool = Field(
        True,
        description="Whether errors suggest names (\"Did you mean 'turnover'?\"); on by default "
        "in sandbox mode, off by default in production mode.",
    )
    log_level: str = Field("INFO", description="Log level (structured JSON logs).")
    otel_exporter_otlp_endpoint: str | None = Field(
        None,
        description="OpenTelemetry collector (OTLP over HTTP, e.g. http://collector:4318): "
        "spans are exported there; unset, traces are only propagated (traceparent) and logged.",
    )
    shutdown_grace_s: int = Field(
        10,
        ge=1,
        description="On SIGTERM, how long (s) `serve` waits for requests in flight (and open "
        "websockets) before closing them.",
    )
    graphiql: bool = Field(
        True,
        description="Whether GET /graphql serves GraphiQL; on by default in sandbox mode, off "
        "by default in production mode.",
    )
    metrics_token: SecretStr | None = Field(
        None,
        description="Bearer token /metrics requires on the public port; unset in production "
        "mode = /metrics is not served there (see METRICS_PORT).",
    )
    metrics_port: int | None = Field(
        None,
        description="A separate port serving /metrics alone, on METRICS_HOST (for a "
        "scraper on a private network).",
    )
    metrics_host: str = Field("127.0.0.1", description="Address METRICS_PORT binds to.")
    readiness_timeout_s: float = Field(
        2.0, gt=0, description="Budget of each /readyz check (database, Redis, catalogues)."
    )

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.mode == "production":
            if self.entreprise_url is None:
                raise ConfigurationError("production mode needs ENTREPRISE_URL.")
            if not self.identity_providers:
                raise ConfigurationError("production mode needs OIDC_ISSUER or OIDC_PROVIDERS.")
            missing = [
                name.upper()
                for name in (
                    "region_catalogue_url",
                    "bpifrance_catalogue_url",
                    "francenum_url",
                    "crealia_url",
                    "france_initiative_url",
                    "irdi_soridec_url",
                    "mesaides_url",
                    "del_url",
                    "events_url",
                    "news_url",
                )
                if getattr(self, name) is None
            ]
            if missing:
                raise ConfigurationError(f"production mode needs {', '.join(missing)}.")
        issuers = [provider.issuer for provider in self.identity_providers]
        if len(set(issuers)) != len(issuers):
            raise ConfigurationError("An identity provider's issuer is configured twice.")
        if self.mode == "production" and "introspection" not in self.model_fields_set:
            self.introspection = False
        if self.mode == "production" and "graphiql" not in self.model_fields_set:
            self.graphiql = False
        if self.mode == "production" and "field_suggestions" not in self.model_fields_set:
            self.field_suggestions = False
        return self

    @property
    def identity_providers(self) -> list[IdentityProvider]:
        """OIDC_ISSUER (an agents' provider) and OIDC_PROVIDERS; empty: the dev issuer."""
        single = (
            [IdentityProvider(issuer=self.oidc_issuer, audience=self.oidc_audience, kind="AGENT")]
            if self.oidc_issuer
            else []
        )
        return single + list(self.oidc_providers)

    @property
    def metrics_public(self) -> bool:
        """Whether the public port serves /metrics (behind METRICS_TOKEN when set): in
        sandbox mode, or with a token; never in production mode without one."""
        return self.sandbox or self.metrics_token is not None

    @property
    def cors_origin_regex(self) -> str | None:
        """Sandbox mode with no CORS_ALLOWED_ORIGINS: pages served from this machine."""
        if self.sandbox and "cors_allowed_origins" not in self.model_fields_set:
            return _LOCAL_ORIGINS
        return None

    @property
    def sandbox(self) -> bool:
        return self.mode == "sandbox"
