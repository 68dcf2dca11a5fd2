"""Importing a structure's existing records of support from CSV."""

from __future__ import annotations

import strawberry

from auth.actions import Action, Allowed
from auth.tiers import Tier
from auth.visibility import tiered
from resolvers import interaction_import
from resolvers.context import Info

__all__ = ["ImportedRow", "InteractionImport", "InteractionImportMutation"]


@strawberry.type(description="A row the import refused, by its line in the file.")
class ImportedRow:
    line: int = tiered(Tier.PUBLIC, description="The header is line 1.")
    reason: str = tiered(Tier.PUBLIC)


@strawberry.type(description="What an import wrote and what it refused.")
class InteractionImport:
    imported: int = tiered(Tier.PUBLIC, description="Rows written.")
    rejected: list[ImportedRow] = tiered(Tier.PUBLIC)


@strawberry.type
class InteractionImportMutation:
    @strawberry.mutation(
        description="An agent imports its structure's records of support from CSV (header "
        f"`{','.join(interaction_import.COLUMNS)}`, at most {interaction_import.MAX_ROWS} "
        "rows), each row checked as `recordInteraction` checks one. With a refused row, none "
        "is written unless `keepValidRows`.",
        directives=[Allowed(action=Action.RECORD_INTERACTION)],
    )
    async def import_interactions(
        self, info: Info, csv: str, keep_valid_rows: bool = False
    ) -> InteractionImport:
        outcome = await interaction_import.import_interactions(info, csv, keep_valid_rows)
        return InteractionImport(
            imported=outcome.imported,
            rejected=[ImportedRow(line=p.line, reason=p.reason) for p in outcome.problems],
        )
