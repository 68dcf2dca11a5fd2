"""The viewer's access to companies, worked out once per request: for a list's companies at
once (``learn_company_access``), then known to every tiered field of theirs without a read
(``known_company_access``, what ``auth.visibility.VisibleTo.decide`` answers from)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from auth.identity import Authenticator
from auth.tiers import Access
from auth.tokens import DevTokenIssuer
from resolvers.context import Context, Services

DURAND = "pierre.durand@cci-gard.example"
LEROY, FABRE, BIOCOSMETIQUES = "84215637400014", "51234987900027", "44306184100047"


async def _context(services: Services, issuer: DevTokenIssuer) -> Context:
    token = issuer.issue(subject=DURAND, email=DURAND)
    durand = await Authenticator(issuer, services.hub, services.directory).viewer(f"Bearer {token}")
    return Context.create(durand, services, "test-request")


async def test_a_lists_companies_have_their_access_worked_out_in_one_read(
    services: Services, issuer: DevTokenIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[list[str]] = []
    read = services.companies.company_facts

    async def counted(sirets: Sequence[str], **options: Any) -> Any:
        batches.append(list(sirets))
        return await read(sirets, **options)

    monkeypatch.setattr(services.companies, "company_facts", counted)
    context = await _context(services, issuer)
    sirets = [LEROY, FABRE, BIOCOSMETIQUES]
    assert [context.known_company_access(siret) for siret in sirets] == [None, None, None]

    await context.learn_company_access(sirets)

    await context.learn_company_access(sirets)  # known already: no read again
    assert batches == [sirets]
    learnt = [context.known_company_access(siret) for siret in sirets]
    fresh = await _context(services, issuer)
    assert learnt == [await fresh.company_access(siret) for siret in sirets]
    assert Access.TIER2 in learnt  # Durand is LEROY's referent: the list is not all alike
