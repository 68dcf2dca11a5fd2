"""The audit of tier-2 reads (docs/visibility.md, the audit rule), gathered per request and written once.

The visibility permission tells the request's ``AuditBuffer`` each tier-2 field it grants;
the API Entreprise connector tells it how each read was served (with the ``object`` sent).
At the end of the request the buffer becomes one event per company read at tier 2 by an
agent, the administrator or a partner key, written in one statement
(``gateway.audit.AuditWriter``). The purpose sent to API Entreprise as ``object`` follows
who reads (``purpose``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter

from uuid_utils import uuid7

from auth.tiers import Access
from auth.viewer import Viewer, ViewerKind
from connectors.hubdb.audit import AuditEventRecord, UpstreamCallRecord

__all__ = ["PUBLIC_PURPOSE", "AuditBuffer", "purpose"]

_HUB = "Hub Entreprendre Occitanie (hub-gateway)"
PUBLIC_PURPOSE = f"{_HUB} : identification publique d'une entreprise"
_PURPOSES = {
    ViewerKind.AGENT: f"{_HUB} : accompagnement de l'entreprise par son référent et sa structure",
    ViewerKind.ADMIN: f"{_HUB} : administration du réseau d'accompagnement des entreprises",
    ViewerKind.COMPANY_USER: f"{_HUB} : consultation par l'entreprise de ses propres données",
    ViewerKind.PROJECT_HOLDER: f"{_HUB} : consultation par l'entreprise de ses propres données",
}
_AUDITED_KINDS = frozenset({ViewerKind.AGENT, ViewerKind.ADMIN, ViewerKind.PARTNER})
_AUDITED_ACCESS = frozenset({Access.TIER2, Access.ADMIN})


def purpose(viewer: Viewer) -> str:
    """The ``object`` of the API Entreprise calls behind tier-2 fields, for this viewer."""
    if viewer.kind is ViewerKind.PARTNER:
        return (
            f"{_HUB} : consultation de la fiche par un partenaire du réseau "
            f"(structure {viewer.structure_id})"
        )
    return _PURPOSES.get(viewer.kind, _PURPOSES[ViewerKind.AGENT])


@dataclass(slots=True)
class _Read:
    access: Access
    fields: dict[str, None] = field(default_factory=dict)
    """Insertion-ordered set."""


@dataclass(slots=True)
class AuditBuffer:
    """One request's tier-2 reads and API Entreprise calls; nothing is written until
    ``events``. Never shared between requests."""

    viewer: Viewer
    request_id: str
    client_request_id: str | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _reads: dict[str, _Read] = field(default_factory=dict)
    _calls: list[UpstreamCallRecord] = field(default_factory=list)

    @property
    def audited(self) -> bool:
        return self.viewer.kind in _AUDITED_KINDS

    def read(self, siret: str, field_name: str, access: Access, *, group: bool = False) -> None:
        """A tier-2 field of ``siret`` was granted to the viewer: at tier 2 (or as the
        administrator), or, ``group``, to an agent of one of its project groups, whose
        event then says the access it has otherwise (TIER1 or PUBLIC)."""
        if not self.audited or (access not in _AUDITED_ACCESS and not group):
            return
        entry = self._reads.get(siret)
        if entry is None:
            entry = self._reads[siret] = _Read(access)
        entry.fields[field_name] = None

    def upstream_call(self, endpoint: str, identifier: str, object: str, outcome: str) -> None:
        """How one API Entreprise read was served (``CallObserver``)."""
        if self.audited:
            self._calls.append(UpstreamCallRecord(endpoint, identifier, object, outcome))

    @property
    def pending(self) -> bool:
        return bool(self._reads)

    def events(self) -> list[AuditEventRecord]:
        """One event per company read at tier 2, with the calls made for it (by SIRET, or
        by its SIREN for the endpoints keyed by SIREN). Each event's id is a UUIDv7: time
        first, so that each write adds to the end of the table's key index instead of at
        random places in it (a portfolio writes 56 at once; random UUIDv4 ids cost SQLite
        some 40 % more CPU per commit, measured in ``docs/decisions.md``)."""
        now = self.clock()
        viewer = self.viewer
        made: dict[str, list[tuple[int, UpstreamCallRecord]]] = {}
        for order, call in enumerate(self._calls):  # grouped once: a portfolio reads 50 or more
            made.setdefault(call.identifier, []).append((order, call))
        events = []
        for siret, read in self._reads.items():
            found = [call for identifier in {siret, siret[:9]} for call in made.get(identifier, ())]
            calls = tuple(call for _, call in sorted(found, key=itemgetter(0)))
            events.append(
                AuditEventRecord(
                    id=str(uuid7()),
                    occurred_at=now,
                    request_id=self.request_id,
                    client_request_id=self.client_request_id,
                    viewer_kind=viewer.kind.value,
                    account_id=viewer.account_id,
                    api_key_id=viewer.partner.key_id if viewer.partner else None,
                    structure_id=viewer.structure_id,
                    siret=siret,
                    access=read.access.value,
                    fields=tuple(read.fields),
                    upstream_calls=calls,
                )
            )
        return events
