"""Directory search: every criterion against a plain Python reading of the same tables,
keyset pages without gaps or duplicates, and one statement whatever the page size."""

from __future__ import annotations

import base64
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from connectors.hubdb import AgentFilter, HubRepository, Page, StructureFilter
from connectors.hubdb._search import department_of, territory_codes
from connectors.hubdb.models import fold

T = TypeVar("T")


@dataclass
class Directory:
    """The agents' and structures' searchable data, read with plain SQL."""

    agents: dict[str, Any] = field(default_factory=dict)
    structures: dict[str, Any] = field(default_factory=dict)
    criteria: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    support: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def agent_ids(self, matches: Any) -> list[str]:
        found = [a for a in self.agents.values() if matches(a)]
        return [
            a.id for a in sorted(found, key=lambda a: (fold(a.last_name), fold(a.first_name), a.id))
        ]

    def structure_ids(self, matches: Any) -> list[str]:
        found = [s for s in self.structures.values() if matches(s)]
        return [s.id for s in sorted(found, key=lambda s: (fold(s.name), s.id))]

    def has(self, agent_id: str, kind: str, values: set[str]) -> bool:
        return bool(self.criteria[(agent_id, kind)] & values)


@pytest.fixture
async def directory(engine: AsyncEngine) -> Directory:
    found = Directory()
    async with engine.connect() as connection:
        for row in await connection.execute(sa.text("SELECT * FROM agents")):
            found.agents[row.id] = row
        for row in await connection.execute(sa.text("SELECT * FROM structures")):
            found.structures[row.id] = row
        for table, kind, column in (("agent_roles", "role", "role"),
                                    ("agent_filieres", "filiere", "filiere"),
                                    ("agent_domains", "domain", "domain"),
                                    ("agent_territories", "territory", "code")):  # fmt: skip
            for agent_id, value in await connection.execute(
                sa.text(f"SELECT agent_id, {column} FROM {table}")
            ):
                found.criteria[(agent_id, kind)].add(value)
        for structure_id, kind in await connection.execute(
            sa.text("SELECT structure_id, support_kind FROM structure_support_kinds")
        ):
            found.support[structure_id].add(kind)
    return found


async def _all_pages(search: Any, criteria: Any, size: int) -> tuple[list[Any], set[int]]:
    """Every item, page after page, and the totals the pages announced."""
    items: list[Any] = []
    totals: set[int] = set()
    after = None
    while True:
        page: Page[Any] = await search(criteria, size, after)
        items.extend(page.items)
        totals.add(page.total)
        assert len(page.cursors) == len(page.items)
        if not page.has_next:
            return items, totals
        assert page.end_cursor == page.cursors[-1]
        after = page.end_cursor


async def _agent_ids(repository: HubRepository, criteria: AgentFilter, size: int = 50) -> list[str]:
    items, totals = await _all_pages(repository.search_agents, criteria, size)
    ids = [item.id for item in items]
    assert totals == {len(ids)}
    return ids


async def test_name_search_ignores_accents_case_and_order_of_pages(
    repository: HubRepository, directory: Directory
) -> None:
    accented = await _agent_ids(repository, AgentFilter(name="HÉLÈNE vid"))
    plain = await _agent_ids(repository, AgentFilter(name="helene VID"))

    assert accented == plain
    assert "agent-helene-vidal" in accented
    assert accented == directory.agent_ids(lambda a: "helene vid" in a.search_name)


async def test_name_search_treats_wildcards_as_text(repository: HubRepository) -> None:
    page = await repository.search_agents(AgentFilter(name="%_"), 10, None)

    assert (page.items, page.total, page.has_next, page.end_cursor) == ((), 0, False, None)


async def test_postal_code_finds_agents_covering_it(
    repository: HubRepository, directory: Directory
) -> None:
    ids = await _agent_ids(repository, AgentFilter(postal_code="30100"))

    assert "agent-pierre-durand" in ids
    assert ids == directory.agent_ids(
        lambda a: directory.has(a.id, "territory", {"30", "301", "3010", "30100"})
    )


@pytest.mark.parametrize(
    ("criteria", "kind", "values"),
    [
        (AgentFilter(filieres=("hydrogene", "textile")), "filiere", {"hydrogene", "textile"}),
        (AgentFilter(domains=("export",)), "domain", {"export"}),
        (AgentFilter(domains=("reprise", "rh")), "domain", {"reprise", "rh"}),
        (AgentFilter(role="FUNDING_EXPERT"), "role", {"FUNDING_EXPERT"}),
    ],
)
async def test_multi_valued_criteria_match_any_of_the_values(
    repository: HubRepository, directory: Directory, criteria: AgentFilter, kind: str,
    values: set[str],
) -> None:  # fmt: skip
    ids = await _agent_ids(repository, criteria)

    assert ids and ids == directory.agent_ids(lambda a: directory.has(a.id, kind, values))


async def test_structure_criterion_lists_its_agents(
    repository: HubRepository, directory: Directory
) -> None:
    ids = await _agent_ids(repository, AgentFilter(structure_id="cci-gard"))

    assert {"agent-pierre-durand", "agent-sophie-roux"} <= set(ids)
    assert ids == directory.agent_ids(lambda a: a.structure_id == "cci-gard")


async def test_selectable_only_leaves_out_unsigned_and_outside_structures(
    repository: HubRepository, directory: Directory
) -> None:
    ids = await _agent_ids(repository, AgentFilter(selectable_only=True), size=100)

    def selectable(agent: Any) -> bool:
        structure = directory.structures[agent.structure_id]
        return bool(structure.in_network and structure.charter_signed)

    assert "agent-marc-martin" not in ids  # ADEME: outside the network
    assert len(ids) < len(directory.agents)
    assert ids == directory.agent_ids(selectable)


async def test_the_four_criteria_combine(repository: HubRepository, directory: Directory) -> None:
    criteria = AgentFilter(postal_code="31000", filieres=("aeronautique", "numerique", "spatial"),
                           domains=("creation", "innovation"), role="REFERENT",
                           selectable_only=True)  # fmt: skip

    ids = await _agent_ids(repository, criteria, size=3)

    assert "agent-julien-garcia" in ids
    assert ids == directory.agent_ids(lambda a: (
        directory.has(a.id, "territory", territory_codes("31000"))
        and directory.has(a.id, "filiere", set(criteria.filieres))
        and directory.has(a.id, "domain", set(criteria.domains))
        and directory.has(a.id, "role", {"REFERENT"})
        and directory.structures[a.structure_id].charter_signed
        and directory.structures[a.structure_id].in_network
    ))  # fmt: skip


async def test_pages_cover_every_agent_once_in_name_order(
    repository: HubRepository, directory: Directory
) -> None:
    ids = await _agent_ids(repository, AgentFilter(), size=97)

    assert len(ids) == len(set(ids)) == len(directory.agents)
    assert ids == directory.agent_ids(lambda a: True)


async def test_a_page_carries_the_agents_criteria(repository: HubRepository) -> None:
    page = await repository.search_agents(AgentFilter(name="pierre durand"), 5, None)

    [pierre] = page.items
    assert (pierre.id, pierre.email, pierre.roles) == (
        "agent-pierre-durand",
        "pierre.durand@cci-gard.example",
        frozenset({"REFERENT"}),
    )
    assert pierre.filieres == ("energie", "industrie") and pierre.territories == ("30",)
    assert (page.total, page.has_next, page.has_previous) == (1, False, False)
    assert page.start_cursor == page.end_cursor == page.cursors[0]


@pytest.mark.parametrize(
    "cursor",
    ["not base64!", base64.urlsafe_b64encode(b"{}").decode(),
     base64.urlsafe_b64encode(b'["a"]').decode(), base64.urlsafe_b64encode(b"\xff").decode(),
     base64.urlsafe_b64encode(b"[1, 2]").decode()],
)  # fmt: skip
async def test_a_cursor_the_hub_did_not_give_is_refused(
    repository: HubRepository, cursor: str
) -> None:
    with pytest.raises(ValueError, match="^invalid cursor$"):
        await repository.search_agents(AgentFilter(), 5, cursor)
    with pytest.raises(ValueError, match="^invalid cursor$"):
        await repository.search_structures(StructureFilter(), 5, cursor)


@pytest.mark.parametrize("size", [1, 100])
async def test_a_search_is_one_statement_whatever_the_page_size(
    repository: HubRepository, statements: list[str], size: int
) -> None:
    await repository.ping()
    first_page = await repository.search_agents(AgentFilter(role="REFERENT"), size, None)
    statements.clear()

    await repository.search_agents(
        AgentFilter(postal_code="30000", filieres=("industrie", "bois"),
                    domains=("creation", "financement"), role="REFERENT",
                    selectable_only=True), size, first_page.end_cursor)  # fmt: skip
    await repository.search_structures(StructureFilter(support_kind="CREATION"), size, None)

    assert len(statements) == 2


async def test_structures_are_searched_by_folded_name(
    repository: HubRepository, directory: Directory
) -> None:
    items, totals = await _all_pages(
        repository.search_structures, StructureFilter(name="reso by ad'occ — nimes"), 5
    )

    assert [s.id for s in items] == directory.structure_ids(
        lambda s: "reso by ad'occ — nimes" in s.search_name
    )
    assert [s.name for s in items] == ["RésO by AD'OCC — Nîmes"] and totals == {1}


@pytest.mark.parametrize(
    ("criteria", "matches"),
    [
        (StructureFilter(kind="CCI"), lambda s, k: s.kind == "CCI"),
        (StructureFilter(department_code="48"), lambda s, k: s.department_code == "48"),
        (StructureFilter(postal_code="30100"), lambda s, k: s.department_code == "30"),
        (StructureFilter(in_network=False), lambda s, k: not s.in_network),
        (StructureFilter(labelled=True, support_kind="REPRISE"),
         lambda s, k: s.labelled and "REPRISE" in k),
        (StructureFilter(), lambda s, k: True),
    ],
)  # fmt: skip
async def test_structure_criteria_and_pages(
    repository: HubRepository, directory: Directory, criteria: StructureFilter, matches: Any
) -> None:
    items, totals = await _all_pages(repository.search_structures, criteria, 13)

    ids = [s.id for s in items]
    assert ids == directory.structure_ids(lambda s: matches(s, directory.support[s.id]))
    assert ids and totals == {len(ids)} and len(set(ids)) == len(ids)


async def test_structure_records_carry_city_label_and_kinds_of_support(
    repository: HubRepository,
) -> None:
    cci = (await repository.structures(["cci-gard"]))["cci-gard"]

    assert (cci.city, cci.postal_code, cci.labelled) == ("Nîmes", "30000", True)
    assert cci.support_kinds[:2] == ("CREATION", "REPRISE") and cci.selectable


@pytest.mark.parametrize(
    ("postal_code", "department"),
    [("30100", "30"), ("09000", "09"), ("20090", "2A"), ("20200", "2B"), ("97400", "974")],
)
def test_department_of_a_postal_code(postal_code: str, department: str) -> None:
    assert department_of(postal_code) == department
    assert department in territory_codes(postal_code)


def test_territory_codes_include_every_prefix() -> None:
    assert territory_codes(" 30 100") == {"30", "301", "3010", "30100"}
