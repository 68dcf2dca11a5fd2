"""Configuration, from the environment (or a ``.env`` file). Every setting has an embedded
default, so ``make serve`` needs none."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ConfigurationError", "Settings"]


class ConfigurationError(Exception):
    """The configuration cannot run: the message says what to change."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    mode: Literal["sandbox", "production"] = Field(
        "sandbox", description="sandbox: in-process partner stand-ins and the dev token issuer."
    )
    host: str = Field("127.0.0.1", description="Address the gateway binds to.")
    port: int = Field(8000, description="Port the gateway listens on.")
    database_url: str = Field(
        "sqlite+aiosqlite:///var/hub.db", description="The hub database (SQLite or PostgreSQL)."
    )
    cache_url: str | None = Field(
        None, description="redis://… for a shared cache; in-memory when unset."
    )
    broker_url: str | None = Field(
        None,
        description="Live notifications across instances: postgresql://… (LISTEN/NOTIFY) or "
        "redis://… (pub/sub); in-process (one instance) when unset.",
    )
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
    sandbox_port: int = Field(8001, description="Port of the in-process sandbox partners.")
    sandbox_latency_ms: float = Field(0.0, description="Latency the sandbox adds per call.")
    oidc_issuer: str | None = Field(
        None, description="A real identity provider; the dev token issuer then refuses to run."
    )
    oidc_audience: str = Field(
        "hub-gateway", description="The audience (client id) OIDC tokens must name."
    )
    dev_secret_file: Path = Field(
        Path("var/dev-token-secret"), description="The dev issuer's signing key (sandbox)."
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
    reminders_interval_s: float = Field(60.0, description="How often due reminders are sent.")
    max_depth: int = Field(12, description="Deepest query accepted.")
    max_tokens: int = Field(2000, description="Most tokens in a query document.")
    max_aliases: int = Field(30, description="Most aliases in a query document.")
    max_fields: int = Field(
        5000, description="Most fields a query selects once its fragments are expanded."
    )
    max_body_bytes: int = Field(
        1_048_576, description="Largest request body accepted (HTTP 413 above, before parsing)."
    )
    introspection: bool = Field(
        True,
        description="Whether the schema can be introspected; on by default in sandbox mode, "
        "off by default in production mode.",
    )
    log_level: str = Field("INFO", description="Log level (structured JSON logs).")

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.mode == "production":
            if self.entreprise_url is None:
                raise ConfigurationError("production mode needs ENTREPRISE_URL.")
            if self.oidc_issuer is None:
                raise ConfigurationError("production mode needs OIDC_ISSUER.")
            if "introspection" not in self.model_fields_set:
                self.introspection = False
        return self

    @property
    def sandbox(self) -> bool:
        return self.mode == "sandbox"

    @property
    def resolved_entreprise_url(self) -> str:
        return self.entreprise_url or f"http://127.0.0.1:{self.sandbox_port}"
