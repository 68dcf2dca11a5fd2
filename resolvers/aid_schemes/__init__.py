"""The funding rules of the schemes the hub estimates, as data (types in
``resolvers.aid_rules``), one module per scheme, and ``RULES``, them all by scheme id. Each
figure carries the sentence of the scheme's text that sets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from resolvers.aid_rules import AidRules
from resolvers.aid_schemes.cheque_france_num import CHEQUE_FRANCE_NUM
from resolvers.aid_schemes.industrie_du_futur import REGION_PARCOURS_INDUSTRIE_DU_FUTUR
from resolvers.aid_schemes.pays_de_la_loire import PAYS_DE_LA_LOIRE_INVESTISSEMENT_NUMERIQUE

__all__ = [
    "CHEQUE_FRANCE_NUM",
    "PAYS_DE_LA_LOIRE_INVESTISSEMENT_NUMERIQUE",
    "REGION_PARCOURS_INDUSTRIE_DU_FUTUR",
    "RULES",
]


RULES: Mapping[str, AidRules] = MappingProxyType(
    {
        rules.scheme_id: rules
        for rules in (
            PAYS_DE_LA_LOIRE_INVESTISSEMENT_NUMERIQUE,
            REGION_PARCOURS_INDUSTRIE_DU_FUTUR,
            CHEQUE_FRANCE_NUM,
        )
    }
)
