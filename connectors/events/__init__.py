"""The Région's economic events, read from an OpenAgenda agenda (its v2 public API)."""

from __future__ import annotations

from connectors.events.connector import EventsConfig, EventsConnector
from connectors.events.models import Agenda, Event, Place, Timing

__all__ = ["Agenda", "Event", "EventsConfig", "EventsConnector", "Place", "Timing"]
