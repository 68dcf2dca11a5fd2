"""The tier matrix of the contract fields: every kind of viewer, both ways (sees / refused)."""

from __future__ import annotations

import pytest

from tests.conftest import Run, errors_by_path

LEROY = "84215637400014"
SHEET = """
query Sheet($siret: String!) {
  company(siret: $siret) {
    siret siren name naf { code label } legalForm { code label } workforce { code label }
    createdOn headOffice active viewerAccess
    address { street postalCode city communeCode departmentCode regionCode }
    representatives { name email phone }
    referent { status agent { name email structure { name } } }
    legalRepresentatives { firstName lastName role }
    collaborators { name email phone }
    turnover { year amount }
    compliance { socialUpToDate fiscalUpToDate }
    projects { title theme actors { role agent { name structure { name } } } }
  }
}
"""
PUBLIC = [
    "siret",
    "siren",
    "name",
    "naf",
    "legalForm",
    "workforce",
    "createdOn",
    "headOffice",
    "active",
    "viewerAccess",
    "address",
]
TIER1 = ["representatives", "referent"]
TIER2 = ["legalRepresentatives", "collaborators", "turnover", "compliance", "projects"]

VIEWERS = {
    "anonymous": (None, "PUBLIC"),
    "claire (mandataire)": ("claire.leroy@leroy-sas.example", "OWNER"),
    "thomas (collaborator)": ("thomas.blanc@cabinet-blanc.example", "OWNER"),
    "antoine (other company)": ("antoine.fabre@menuiserie-fabre.example", "PUBLIC"),
    "durand (accepted referent)": ("pierre.durand@cci-gard.example", "TIER2"),
    "roux (referent's structure)": ("sophie.roux@cci-gard.example", "TIER2"),
    "garcia (other structure)": ("julien.garcia@bge-occitanie.example", "TIER1"),
    "vidal (admin)": ("helene.vidal@laregion.example", "ADMIN"),
}
RANK = ["PUBLIC", "TIER1", "TIER2", "OWNER", "ADMIN"]


@pytest.mark.parametrize("who", list(VIEWERS))
async def test_each_viewer_sees_its_tiers_and_is_refused_the_others(run: Run, who: str) -> None:
    email, access = VIEWERS[who]
    result = await run(SHEET, as_=email, variables={"siret": LEROY})
    company = result.data["company"]
    errors = errors_by_path(result)
    assert company["viewerAccess"] == access
    for fields, needed in ((PUBLIC, "PUBLIC"), (TIER1, "TIER1"), (TIER2, "TIER2")):
        allowed = RANK.index(access) >= RANK.index(needed)
        for name in fields:
            path = f"company.{name}"
            if allowed:
                assert company[name] is not None, f"{who} should see {name}"
                assert path not in errors, f"{who} got {errors[path]} on {name}"
            else:
                assert company[name] is None, f"{who} must not see {name}"
                assert errors.get(path) == "FORBIDDEN", f"{who} on {name}: {errors.get(path)}"


async def test_referent_sees_the_whole_sheet_with_its_content(run: Run) -> None:
    result = await run(SHEET, as_="pierre.durand@cci-gard.example", variables={"siret": LEROY})
    assert result.errors is None
    company = result.data["company"]
    assert company["name"] == "LEROY SAS"
    assert company["naf"]["code"] == "25.62A"
    assert company["address"]["communeCode"] == "30189"
    assert company["address"]["regionCode"] == "76"
    assert company["representatives"][0]["email"] == "claire.leroy@leroy-sas.example"
    assert company["referent"]["status"] == "ACCEPTED"
    assert company["referent"]["agent"]["structure"]["name"] == "CCI du Gard"
    assert [c["email"] for c in company["collaborators"]] == ["thomas.blanc@cabinet-blanc.example"]
    president = company["legalRepresentatives"][0]
    assert (president["firstName"].lower(), president["lastName"].lower()) == ("claire", "leroy")
    assert len(company["turnover"]) == 3
    assert company["compliance"] == {"socialUpToDate": True, "fiscalUpToDate": True}
    (project,) = company["projects"]
    assert project["title"] == "Pile à combustible hydrogène"
    actors = {a["agent"]["name"]: a["role"] for a in project["actors"]}
    assert actors["Lucie Mercier"] == "SPECIALIST" and actors["Marc Martin"] == "SPECIALIST"


async def test_pending_referent_has_tier1_until_it_accepts(run: Run) -> None:
    result = await run(
        SHEET, as_="pierre.durand@cci-gard.example", variables={"siret": "44306184100047"}
    )
    company = result.data["company"]
    assert company["viewerAccess"] == "TIER1"
    assert company["referent"]["status"] == "PENDING"
    assert company["turnover"] is None
    assert errors_by_path(result)["company.turnover"] == "FORBIDDEN"


AGENT_CONTACT = """
query($siret: String!) { company(siret: $siret) { referent { agent { name email phone } } } }
"""


@pytest.mark.parametrize(
    "email",
    [
        "claire.leroy@leroy-sas.example",  # LEROY chose Durand
        "julien.garcia@bge-occitanie.example",  # a network member
        "helene.vidal@laregion.example",  # the admin
    ],
)
async def test_referent_contact_is_shown_to_network_and_to_the_company_that_chose_it(
    run: Run, email: str
) -> None:
    result = await run(AGENT_CONTACT, as_=email, variables={"siret": LEROY})
    agent = result.data["company"]["referent"]["agent"]
    assert agent["email"] == "pierre.durand@cci-gard.example"
    assert result.errors is None


async def test_referent_contact_is_refused_to_a_user_of_a_company_that_did_not_choose_it(
    run: Run,
) -> None:
    # Paul Girard's company chose Durand (pending): he sees Durand; Antoine's chose Roux.
    paul = await run(
        AGENT_CONTACT,
        as_="paul.girard@biocosmetiques.example",
        variables={"siret": "44306184100047"},
    )
    assert paul.data["company"]["referent"]["agent"]["email"] == "pierre.durand@cci-gard.example"
    antoine = await run(
        AGENT_CONTACT,
        as_="antoine.fabre@menuiserie-fabre.example",
        variables={"siret": "51234987900027"},
    )
    assert antoine.data["company"]["referent"]["agent"]["email"] is not None  # his own: Roux
    # Through an object he may not reach, the referent itself is refused (tier 1).
    other = await run(
        AGENT_CONTACT, as_="antoine.fabre@menuiserie-fabre.example", variables={"siret": LEROY}
    )
    assert other.data["company"]["referent"] is None
    assert errors_by_path(other)["company.referent"] == "FORBIDDEN"


NON_DIFFUSIBLE = "90012345600015"
IDENTITY = (
    "query($siret: String!) { company(siret: $siret) { siret naf { code } name address { city } } }"
)


@pytest.mark.parametrize(
    ("email", "sees"),
    [
        (None, False),
        ("antoine.fabre@menuiserie-fabre.example", False),
        ("julien.garcia@bge-occitanie.example", True),
        ("helene.vidal@laregion.example", True),
    ],
)
async def test_non_diffusible_identity_is_masked_except_for_agents_and_admin(
    run: Run, email: str | None, sees: bool
) -> None:
    result = await run(IDENTITY, as_=email, variables={"siret": NON_DIFFUSIBLE})
    company = result.data["company"]
    assert company["naf"]["code"]
    errors = errors_by_path(result)
    for name in ("name", "address"):
        if sees:
            assert company[name] is not None and f"company.{name}" not in errors
        else:
            assert company[name] is None and errors[f"company.{name}"] == "FORBIDDEN"
