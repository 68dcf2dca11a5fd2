"""The hub database fixtures of ``tests/connectors/hubdb`` (SQLite, and PostgreSQL when
``TEST_DATABASE_URL`` is set), for the seed's tests."""

from tests.connectors.hubdb.conftest import (  # noqa: F401 - fixtures, found by name
    database_server,
    empty_url,
    engine,
    fresh_engine,
    fresh_session_factory,
    fresh_url,
    seeded_url,
    session_factory,
    template_url,
)
