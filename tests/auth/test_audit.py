"""A request's audit buffer: one event per company read at tier 2, with its own calls."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from auth.audit import AuditBuffer
from auth.tiers import Access
from auth.viewer import Viewer, ViewerKind

NOW = datetime(2026, 12, 5, tzinfo=UTC)
LEROY, LEROY_OTHER_SITE, DUPONT = "84215637400014", "84215637400022", "55203253400010"


def test_each_event_carries_its_companys_calls_by_siret_and_siren_in_the_order_made() -> None:
    audit = AuditBuffer(
        Viewer(kind=ViewerKind.AGENT, agent_id="durand", structure_id="cci-gard"),
        "req-1",
        clock=lambda: NOW,
    )
    audit.read(LEROY, "turnover", Access.TIER2)
    audit.read(DUPONT, "projects", Access.TIER2)
    audit.upstream_call("etablissement", LEROY, "why", "CACHE")
    audit.upstream_call("etablissement", DUPONT, "why", "UPSTREAM")
    audit.upstream_call("attestation_vigilance", LEROY[:9], "why", "UPSTREAM")
    audit.upstream_call("etablissement", LEROY_OTHER_SITE, "why", "CACHE")
    audit.upstream_call("chiffres_affaires", LEROY, "why", "SHARED")

    leroy, dupont = audit.events()

    assert (leroy.siret, leroy.fields, leroy.occurred_at) == (LEROY, ("turnover",), NOW)
    assert [(call.endpoint, call.identifier, call.outcome) for call in leroy.upstream_calls] == [
        ("etablissement", LEROY, "CACHE"),
        ("attestation_vigilance", LEROY[:9], "UPSTREAM"),
        ("chiffres_affaires", LEROY, "SHARED"),
    ]
    assert [(call.endpoint, call.identifier) for call in dupont.upstream_calls] == [
        ("etablissement", DUPONT)
    ]


def test_event_ids_are_unique_and_in_the_order_they_were_made() -> None:
    """UUIDv7 ids: time first, so each write adds to the end of the table's key index."""
    viewer = Viewer(kind=ViewerKind.AGENT, agent_id="durand", structure_id="cci-gard")
    ids = []
    for request in range(3):
        audit = AuditBuffer(viewer, f"req-{request}", clock=lambda: NOW)
        for siret in (LEROY, LEROY_OTHER_SITE, DUPONT):
            audit.read(siret, "turnover", Access.TIER2)
        ids.extend(event.id for event in audit.events())

    assert len(set(ids)) == len(ids) == 9
    assert ids == sorted(ids)
    assert {uuid.UUID(made).version for made in ids} == {7}
