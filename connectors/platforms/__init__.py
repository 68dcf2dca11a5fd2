"""What the two submission platforms (Mes aides en ligne, DEL) share: the neutral
``Application`` record and its lifecycle (``models``), and the wire-reading helpers
(``wire``). Each platform's connector stands alone on top of this package."""

from __future__ import annotations

from connectors.platforms.models import (
    Application,
    DeclaredAid,
    Document,
    Expense,
    HistoryEntry,
    Invoice,
    Lifecycle,
    Listing,
    NewApplication,
    Payment,
    PaymentKind,
    PaymentRequest,
    PaymentStatus,
    Platform,
    PlatformConnector,
)

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
