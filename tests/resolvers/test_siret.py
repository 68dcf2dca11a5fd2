from __future__ import annotations

import pytest
from graphql import GraphQLError

from resolvers.siret import validate_siret


@pytest.mark.parametrize(
    "siret",
    ["84215637400014", "51234987900027", "842 156 374 00014", "35600000000048", "35600000000001"],
)
def test_accepts_valid_sirets_including_la_poste(siret: str) -> None:
    assert validate_siret(siret) == siret.replace(" ", "")


@pytest.mark.parametrize(
    ("siret", "reason"),
    [
        ("84215637400015", "check digit"),
        ("8421563740001", "14 digits"),
        ("842156374000144", "14 digits"),
        ("", "14 digits"),
        ("8421563740001A", "digits only"),
        ("８４２１５６３７４０００１４", "digits only"),
        ("35600000000002", "check digit"),
    ],
)
def test_refuses_invalid_siret_with_the_reason(siret: str, reason: str) -> None:
    with pytest.raises(GraphQLError) as caught:
        validate_siret(siret)
    assert caught.value.extensions == {"code": "BAD_USER_INPUT", "argument": "siret"}
    assert reason in caught.value.message
