"""The structures' offers: the CCI standard Entreprendre & Transmettre carried by every CCI,
and a few offers of the BGE and the Initiative platforms, as they describe theirs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from connectors.hubdb.cci_standard import NATIONAL_OFFERS, NATIONAL_PRODUCTS, OfferLevel
from connectors.hubdb.enums import ExpertiseLevel, Segment, StructureKind
from connectors.hubdb.models import fold
from sandbox.hubdb._common import Rows

__all__ = ["offer_rows"]

_SEGMENT_TITLES = {
    Segment.CREATEUR: "Offre créateurs",
    Segment.REPRENEUR: "Offre repreneurs",
    Segment.NOUVEAU_DIRIGEANT: "Offre nouveaux dirigeants (entreprise de moins de 3 ans)",
    Segment.CEDANT: "Offre cédants (dirigeant en phase de transmission)",
}
_E, _S, _D = ExpertiseLevel.EXPERTISE, ExpertiseLevel.SUPPORT, ExpertiseLevel.DISCOVERY
_LocalProduct = tuple[str, bool, ExpertiseLevel]
_FINANCE = "Financer"
"""The level title of both Initiative offers."""
_HONOUR_LOAN: _LocalProduct = ("Prêt d'honneur à taux zéro, sans garantie", True, _E)
"""Initiative's loan, in its creation and its takeover offer alike."""
_LOCAL: dict[str, list[tuple[Segment, int, str, str, list[_LocalProduct]]]] = {
    StructureKind.BGE: [
        (
            Segment.CREATEUR,
            1,
            "S'informer",
            "Entreprendre avec BGE",
            [
                ("Réunion d'information collective « Créer son entreprise »", True, _D),
                ("Premier rendez-vous conseil", True, _S),
            ],
        ),
        (
            Segment.CREATEUR,
            2,
            "Construire",
            "Parcours de création BGE",
            [
                ("Formation « Construire son projet » (CPF)", True, _E),
                ("Rendez-vous individuels de suivi du business plan", True, _S),
                ("Couveuse : tester son activité", False, _E),
            ],
        ),
        (
            Segment.NOUVEAU_DIRIGEANT,
            1,
            "Se développer",
            "Suivi post-création BGE",
            [
                ("Suivi individuel pendant 3 ans", True, _S),
                ("Club d'entrepreneurs", False, _E),
            ],
        ),
    ],
    StructureKind.INITIATIVE: [
        (
            Segment.CREATEUR,
            3,
            _FINANCE,
            "Prêt d'honneur création",
            [
                ("Expertise du plan de financement", True, _E),
                _HONOUR_LOAN,
                ("Parrainage par un chef d'entreprise", False, _S),
            ],
        ),
        (
            Segment.REPRENEUR,
            3,
            _FINANCE,
            "Prêt d'honneur reprise",
            [
                ("Expertise du plan de reprise", True, _E),
                _HONOUR_LOAN,
            ],
        ),
    ],
}


def offer_rows(structures: Sequence[dict[str, Any]]) -> Rows:
    """Every CCI's national offers and the BGE's and Initiative platforms' own."""
    rows: Rows = {"offers": [], "offer_products": []}
    for structure in structures:
        kind, structure_id = structure["kind"], str(structure["id"])
        if kind == StructureKind.CCI:
            for level in NATIONAL_OFFERS:
                _national(rows, structure_id, level)
        for segment, level_number, level_title, title, products in _LOCAL.get(kind, ()):
            _offer(rows, structure_id, segment, level_number, level_title, title,
                   national=False, products=[(None, *product) for product in products])  # fmt: skip
    return rows


def _national(rows: Rows, structure_id: str, level: OfferLevel) -> None:
    products = [
        (
            product.code,
            product.title,
            product.required,
            NATIONAL_PRODUCTS[product.code].expertise_level if product.code else _E,
        )
        for product in level.products
    ]
    _offer(rows, structure_id, level.segment, level.level, level.title,
           _SEGMENT_TITLES[level.segment], national=True, products=products)  # fmt: skip


def _offer(
    rows: Rows,
    structure_id: str,
    segment: Segment,
    level: int,
    level_title: str,
    title: str,
    *,
    national: bool,
    products: Iterable[tuple[str | None, str, bool, ExpertiseLevel]],
) -> None:
    """An offer's row and its products' rows; its id is ``<structure>:<segment>-<level>``
    (``cci-gard:createur-2``)."""
    offer_id = f"{structure_id}:{segment.value.lower()}-{level}"
    listed = list(products)
    rows["offers"].append({
        "id": offer_id, "structure_id": structure_id, "segment": segment.value, "level": level,
        "level_title": level_title, "title": title, "national": national,
        "search_text": fold(" ".join([title, level_title, *(p[1] for p in listed)])),
    })  # fmt: skip
    rows["offer_products"].extend(
        {"offer_id": offer_id, "position": position, "code": code, "title": product_title,
         "mandatory": mandatory, "expertise_level": expertise.value}
        for position, (code, product_title, mandatory, expertise) in enumerate(listed, start=1)
    )  # fmt: skip
