"""DEL: the Région's submission platform, démarches-simplifiées' GraphQL API.

(``del`` is a Python keyword: the package is ``del_``.)"""

from __future__ import annotations

from connectors.del_.config import DelConfig, create_client
from connectors.del_.connector import DelConnector
from connectors.del_.lifecycle import label, lifecycle_of, state_of

__all__ = ["DelConfig", "DelConnector", "create_client", "label", "lifecycle_of", "state_of"]
