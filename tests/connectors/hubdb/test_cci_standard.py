"""The CCI standard's data is the seed text's: 17 mandatory and 5 optional national products
by expertise level, four offers by segment with their levels."""

from __future__ import annotations

from collections import Counter

from connectors.hubdb.cci_standard import FIVE_DAYS_TO_START, NATIONAL_OFFERS, NATIONAL_PRODUCTS
from connectors.hubdb.enums import ExpertiseLevel, Segment


def test_the_standard_has_17_mandatory_and_5_optional_national_products() -> None:
    mandatory = [p for p in NATIONAL_PRODUCTS.values() if p.mandatory]
    optional = [p for p in NATIONAL_PRODUCTS.values() if not p.mandatory]
    assert [p.code for p in mandatory] == [f"N{n}" for n in range(1, 18)]
    assert [p.code for p in optional] == [f"O{n}" for n in range(1, 6)]
    assert NATIONAL_PRODUCTS[FIVE_DAYS_TO_START].title == "Workshop « 5 jours pour Entreprendre »"
    assert NATIONAL_PRODUCTS["O1"].title == "Workshop « Repreneurs PME »"


def test_the_mandatory_products_are_classed_by_the_standards_four_expertise_levels() -> None:
    levels = Counter(p.expertise_level for p in NATIONAL_PRODUCTS.values() if p.mandatory)
    assert levels == {
        ExpertiseLevel.DISCOVERY: 1,  # 1
        ExpertiseLevel.ORIENTATION: 10,  # 2-11
        ExpertiseLevel.EXPERTISE: 5,  # 12-16
        ExpertiseLevel.SUPPORT: 1,  # 17
    }
    assert all(
        p.expertise_level is ExpertiseLevel.EXPERTISE
        for p in NATIONAL_PRODUCTS.values()
        if not p.mandatory
    )


def test_the_four_offers_have_the_annexs_levels() -> None:
    levels = {(o.segment, o.level): o.title for o in NATIONAL_OFFERS}
    assert levels == {
        (Segment.CREATEUR, 1): "Découvrir",
        (Segment.CREATEUR, 2): "Expérimenter",
        (Segment.CREATEUR, 3): "Structurer, financer, démarrer",
        (Segment.REPRENEUR, 1): "Découvrir",
        (Segment.REPRENEUR, 2): "Expérimenter",
        (Segment.REPRENEUR, 3): "Structurer, financer, démarrer",
        (Segment.NOUVEAU_DIRIGEANT, 1): "Structurer",
        (Segment.NOUVEAU_DIRIGEANT, 2): "Consolider",
        (Segment.CEDANT, 1): "Découvrir",
        (Segment.CEDANT, 2): "Préparer",
        (Segment.CEDANT, 3): "Lancer",
    }


def test_the_creators_second_level_is_the_five_days_workshop_and_remote_modules() -> None:
    level = next(o for o in NATIONAL_OFFERS if (o.segment, o.level) == (Segment.CREATEUR, 2))
    assert [(p.code, p.required) for p in level.products] == [
        ("N12", True),
        ("N15", True),
        ("N17", False),
    ]


def test_every_mandatory_product_is_in_some_offer_but_the_needs_discovery_interview() -> None:
    offered = {p.code for o in NATIONAL_OFFERS for p in o.products}
    # « L'Entretien Découverte des besoins est un préalable à la vente de l'offre […], il
    # n'est donc pas rappelé dans les offres. »
    assert {f"N{n}" for n in range(1, 18)} - offered == {"N5"}
