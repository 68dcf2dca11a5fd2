"""Mes aides en ligne (a « Portail des aides »): the REST/JSON submission platform."""

from __future__ import annotations

from connectors.mesaides.config import MesAidesConfig, create_client
from connectors.mesaides.connector import MesAidesConnector
from connectors.mesaides.lifecycle import LABELS, label_of, lifecycle_of

__all__ = ["LABELS", "MesAidesConfig", "MesAidesConnector", "create_client", "label_of",
           "lifecycle_of"]  # fmt: skip
