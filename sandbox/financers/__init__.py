"""Stand-ins for the financers the hub FAQ names beside the Région and Bpifrance: Créalia
and France Initiative (honour loans), Irdi-Soridec (equity funds), each on its own port and
in its own wire format, from a written-out seed (``sandbox.financers.seed``)."""

from __future__ import annotations

from sandbox.financers.crealia import create_app as create_crealia
from sandbox.financers.france_initiative import (
    FRANCE_INITIATIVE_KEY,
    FranceInitiativeConfig,
)
from sandbox.financers.france_initiative import create_app as create_france_initiative
from sandbox.financers.irdi_soridec import create_app as create_irdi_soridec

__all__ = [
    "FRANCE_INITIATIVE_KEY",
    "FranceInitiativeConfig",
    "create_crealia",
    "create_france_initiative",
    "create_irdi_soridec",
]
