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
    entreprise_url: str | None = Field(
        None,
        description="API Entreprise base URL; unset in sandbox mode = the sandbox on "
        "SANDBOX_PORT.",
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
    dev_secret_file: Path = Field(
        Path("var/dev-token-secret"), description="The dev issuer's signing key (sandbox)."
    )
    max_depth: int = Field(12, description="Deepest query accepted.")
    max_tokens: int = Field(2000, description="Most tokens in a query document.")
    max_aliases: int = Field(30, description="Most aliases in a query document.")
    introspection: bool = Field(True, description="Whether the schema can be introspected.")
    log_level: str = Field("INFO", description="Log level (structured JSON logs).")

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.mode == "production":
            if self.entreprise_url is None:
                raise ConfigurationError("production mode needs ENTREPRISE_URL.")
            if self.oidc_issuer is None:
                raise ConfigurationError("production mode needs OIDC_ISSUER.")
        return self

    @property
    def sandbox(self) -> bool:
        return self.mode == "sandbox"

    @property
    def resolved_entreprise_url(self) -> str:
        return self.entreprise_url or f"http://127.0.0.1:{self.sandbox_port}"
