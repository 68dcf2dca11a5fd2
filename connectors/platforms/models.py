"""What both submission platforms' connectors return: one neutral ``Application`` record,
whatever the platform (Mes aides en ligne's REST demandes, DEL's GraphQL dossiers), and the
one lifecycle their own statuses map onto. No wire format here.

Each connector owns the mapping of its platform's statuses onto ``Lifecycle`` and back
(``connectors.mesaides.lifecycle``, ``connectors.del_.lifecycle``): a status label is part of
a wire format, and the sandbox, the polling job and the filters need the way back too
(docs/decisions.md, issue 11).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Protocol

__all__ = [
    "Application",
    "DeclaredAid",
    "Document",
    "Expense",
    "HistoryEntry",
    "Invoice",
    "Lifecycle",
    "Listing",
    "NewApplication",
    "Payment",
    "PaymentKind",
    "PaymentRequest",
    "PaymentStatus",
    "Platform",
    "PlatformConnector",
]


class Platform(Enum):
    DEL = "DEL"
    MES_AIDES_EN_LIGNE = "MES_AIDES_EN_LIGNE"


class Lifecycle(Enum):
    """One application's place in the deposit → decision → payment path, on either platform
    (the Pays de la Loire FAQ, questions 10–37). ``UNCONFIRMED`` is the hub's own: a filing
    whose answer never came back (the platform does not know that word)."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    INCOMPLETE = "INCOMPLETE"
    UNDER_REVIEW = "UNDER_REVIEW"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    GRANTED = "GRANTED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"
    PAYMENT_REQUESTED = "PAYMENT_REQUESTED"
    ADVANCE_PAID = "ADVANCE_PAID"
    CLOSED = "CLOSED"
    UNCONFIRMED = "UNCONFIRMED"


class PaymentKind(Enum):
    ADVANCE = "ADVANCE"
    BALANCE = "BALANCE"
    SINGLE = "SINGLE"


class PaymentStatus(Enum):
    REQUESTED = "REQUESTED"
    PAID = "PAID"
    REFUSED = "REFUSED"


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    kind: str
    received_at: datetime | None


@dataclass(frozen=True, slots=True)
class Payment:
    kind: PaymentKind
    amount: int
    """Euros."""
    status: PaymentStatus
    requested_at: datetime
    paid_at: datetime | None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    status: Lifecycle
    label: str
    """The platform's own words for the step."""


@dataclass(frozen=True, slots=True)
class Application:
    """An application for an aid, as a platform knows it (amounts in euros)."""

    platform: Platform
    reference: str
    """The platform's own number (``MAEL-2023-000123``, a DEL dossier number)."""
    siret: str
    scheme_id: str | None
    """The hub's scheme id (``region:parcours-industrie-du-futur``) when the platform names it."""
    project_title: str
    status: Lifecycle
    platform_status: str
    requested: int
    granted: int | None
    paid: int
    submitted_at: datetime | None
    acknowledged_at: datetime | None
    expenses_from: date | None
    """Expenses count from this day (the acknowledgement of a complete file)."""
    decided_at: date | None
    realisation_deadline: date | None
    proofs_deadline: date | None
    updated_at: datetime
    documents: tuple[Document, ...] = ()
    payments: tuple[Payment, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    """Oldest first."""
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """A company's applications as one platform listed them."""

    applications: tuple[Application, ...]
    stale: bool = False
    """Served from the cache after the platform failed (``CachedFetch``'s STALE outcome)."""


# --- what the hub sends: a filing and a payment request ---


@dataclass(frozen=True, slots=True)
class Expense:
    label: str
    amount: int
    committed_on: date | None = None


@dataclass(frozen=True, slots=True)
class DeclaredAid:
    """A de minimis aid the company declares at deposit."""

    grantor: str
    amount: int
    granted_on: date
    regulation: str | None = None


@dataclass(frozen=True, slots=True)
class NewApplication:
    siret: str
    scheme_id: str
    project_title: str
    requested: int
    expenses: tuple[Expense, ...]
    planned_start: date | None = None
    de_minimis: tuple[DeclaredAid, ...] = ()


@dataclass(frozen=True, slots=True)
class Invoice:
    reference: str
    amount: int
    paid_on: date | None
    stamped: bool
    signed: bool


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    kind: PaymentKind
    amount: int
    invoices: tuple[Invoice, ...] = ()


class PlatformConnector(Protocol):
    """What the resolvers and the jobs need of either platform."""

    @property
    def platform(self) -> Platform: ...

    @property
    def source(self) -> str:
        """The name its errors carry (``ConnectorError.source``)."""
        ...

    async def applications(self, siret: str) -> Sequence[Application]:
        """The company's applications, newest first (cached; stale served if the platform
        fails)."""
        ...

    async def application(self, reference: str) -> Application:
        """One application by the platform's number; ``NotFound`` when unknown."""
        ...

    async def file(self, new: NewApplication, idempotency_key: str) -> Application:
        """Files an application; the same key files it once (retried safely)."""
        ...

    async def find_by_key(self, idempotency_key: str) -> Application | None:
        """The application filed with this key, if the platform has it (reconciliation)."""
        ...

    async def request_payment(
        self, reference: str, request: PaymentRequest, idempotency_key: str
    ) -> Application:
        """Sends a payment request; the application as it stands after it."""
        ...

    async def changed_since(self, since: datetime) -> Sequence[Application]:
        """Every application changed after ``since`` (the polling job), oldest change first."""
        ...

    async def aclose(self) -> None: ...
