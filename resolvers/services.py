"""What every request shares: the connectors and stores ``gateway.services.build_services``
builds once, handed to each request's ``Context`` (and to its ``Loaders``)."""

from __future__ import annotations

from dataclasses import dataclass

from auth.api_keys import ApiKeys
from connectors.broker import Broker
from connectors.catalogues import CatalogueConnector
from connectors.del_ import DelConnector
from connectors.entreprise import EntrepriseConnector
from connectors.events import EventsConnector
from connectors.files import LocalFileStore
from connectors.hubdb import CachedDirectory, CompanyCache, HubRepository
from connectors.hubdb.audit import AuditStore
from connectors.hubdb.desk import DeskStore
from connectors.hubdb.notifications import NotificationStore
from connectors.hubdb.outbox import OutboxStore
from connectors.hubdb.partners import PartnerStore
from connectors.hubdb.platform_polls import PollStore
from connectors.hubdb.preferences import PreferenceStore
from connectors.hubdb.reminders import ReminderStore
from connectors.hubdb.submissions import SubmissionStore
from connectors.hubdb.writes import HubWriter
from connectors.mesaides import MesAidesConnector
from connectors.news import NewsConnector

__all__ = ["Services"]


@dataclass(frozen=True, slots=True)
class Services:
    """Built once by ``gateway.services.build_services`` and shared by every request."""

    entreprise: EntrepriseConnector
    hub: HubRepository
    directory: CachedDirectory
    companies: CompanyCache
    """The company facts, projects and pending invitations that access is decided from, and
    the public aids companies received, kept across requests until the database signals a
    change."""
    writer: HubWriter
    submissions: SubmissionStore
    polls: PollStore
    broker: Broker
    notifications: NotificationStore
    catalogues: CatalogueConnector
    partners: PartnerStore
    api_keys: ApiKeys
    audit: AuditStore
    outbox: OutboxStore
    reminders: ReminderStore
    mesaides: MesAidesConnector
    del_: DelConnector
    desk: DeskStore
    files: LocalFileStore
    events: EventsConnector
    news: NewsConnector
    preferences: PreferenceStore
    identity_document_max_bytes: int = 5_000_000
    satisfaction_survey_url: str = "http://127.0.0.1:8000/enquete-satisfaction"
    """The page the satisfaction survey's e-mails link to (``SATISFACTION_SURVEY_URL``)."""
