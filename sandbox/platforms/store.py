"""One platform's applications, in memory and mutable: what the hub files and the payments
it requests change them (a restart is the seed again)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from connectors.platforms.models import (
    Application,
    HistoryEntry,
    Lifecycle,
    Payment,
    PaymentKind,
    PaymentStatus,
    Platform,
)

__all__ = ["Refused", "Store"]

Numbering = Callable[[int, datetime], str]

_PAYABLE = {Lifecycle.GRANTED, Lifecycle.ADVANCE_PAID}


class Refused(ValueError):
    """The platform refuses the operation; the message says why, in its words."""


class Store:
    def __init__(self, platform: Platform, seeded: Iterable[Application], numbering: Numbering):
        self.platform = platform
        self._numbering = numbering
        self._by_reference: dict[str, Application] = {}
        self._payment_keys: dict[str, str] = {}
        for application in seeded:
            if application.platform is platform:
                self._by_reference[application.reference] = application

    def get(self, reference: str) -> Application | None:
        return self._by_reference.get(reference)

    def of_siret(self, siret: str) -> list[Application]:
        """In the platform's own order: by number."""
        return [a for a in self._by_reference.values() if a.siret == siret]

    def by_key(self, key: str) -> Application | None:
        return next((a for a in self._by_reference.values() if a.idempotency_key == key), None)

    def changed_since(self, moment: datetime) -> list[Application]:
        changed = [a for a in self._by_reference.values() if a.updated_at > moment]
        return sorted(changed, key=lambda a: (a.updated_at, a.reference))

    def all(self) -> list[Application]:
        return list(self._by_reference.values())

    def file(
        self, *, siret: str, scheme_id: str, title: str, requested: int, key: str, now: datetime
    ) -> tuple[Application, bool]:
        """The application filed with ``key``: (it, True) when new, (the first one, False)
        for a key seen before."""
        known = self.by_key(key)
        if known is not None:
            return known, False
        reference = self._numbering(len(self._by_reference) + 1, now)
        application = Application(
            platform=self.platform, reference=reference, siret=siret, scheme_id=scheme_id,
            project_title=title, status=Lifecycle.SUBMITTED, platform_status="SUBMITTED",
            requested=requested, granted=None, paid=0, submitted_at=now, acknowledged_at=None,
            expenses_from=None, decided_at=None, realisation_deadline=None,
            proofs_deadline=None, updated_at=now,
            history=(HistoryEntry(now, Lifecycle.SUBMITTED, "SUBMITTED"),), idempotency_key=key,
        )  # fmt: skip
        self._by_reference[reference] = application
        return application, True

    def instruct(self, reference: str, *, now: datetime, **changes: Any) -> Application:
        """The platform's own agents at work (a status, a decision): the tests' stand-in for
        an instructor, stamped ``now`` and added to the history."""
        application = self._by_reference[reference]
        updated = replace(application, **changes, updated_at=now)
        step = HistoryEntry(now, updated.status, updated.platform_status)
        updated = replace(updated, history=(*application.history, step))
        self._by_reference[reference] = updated
        return updated

    def request_payment(
        self, reference: str, *, kind: PaymentKind, amount: int, key: str, now: datetime
    ) -> Application:
        application = self._by_reference.get(reference)
        if application is None:
            raise LookupError(reference)
        if self._payment_keys.get(key) == reference:
            return application
        if application.status not in _PAYABLE:
            raise Refused("l'aide n'est pas attribuée ou une demande de paiement est en cours")
        if amount <= 0 or amount > (application.granted or 0) - application.paid:
            raise Refused("le montant dépasse le reste à verser de l'aide attribuée")
        payment = Payment(kind, amount, PaymentStatus.REQUESTED, now, None)
        step = HistoryEntry(now, Lifecycle.PAYMENT_REQUESTED, "PAYMENT_REQUESTED")
        updated = replace(
            application,
            status=Lifecycle.PAYMENT_REQUESTED,
            payments=(*application.payments, payment),
            history=(*application.history, step),
            updated_at=now,
        )
        self._by_reference[reference] = updated
        self._payment_keys[key] = reference
        return updated
