"""What the viewer alone decides: the tiers it is refused on every object (what a query's
price leaves out, gateway/pricing.py)."""

from __future__ import annotations

from auth.scopes import PartnerGrant, Scope
from auth.tiers import Tier
from auth.viewer import ANONYMOUS, Viewer, ViewerKind
from auth.visibility import refused_everywhere

AGENT = Viewer(
    ViewerKind.AGENT, account_id="a", agent_id="g", structure_id="s", network_member=True
)
COMPANY_USER = Viewer(ViewerKind.COMPANY_USER, account_id="c")


def test_anonymous_is_refused_all_but_what_anyone_sees() -> None:
    assert refused_everywhere(ANONYMOUS) == frozenset(Tier) - {
        Tier.PUBLIC,
        Tier.PUBLIC_IF_DIFFUSIBLE,
    }


def test_a_company_user_is_refused_the_network_tiers_and_the_admins() -> None:
    assert refused_everywhere(COMPANY_USER) == {
        Tier.ADMIN,
        Tier.NETWORK,
        Tier.TIER1_EVERYWHERE,
    }


def test_a_network_agent_is_refused_the_admins_only() -> None:
    assert refused_everywhere(AGENT) == {Tier.ADMIN}


def test_company_bound_tiers_are_never_refused_to_a_signed_in_viewer_in_advance() -> None:
    key = Viewer(
        ViewerKind.PARTNER,
        structure_id="s",
        network_member=True,
        partner=PartnerGrant(key_id="k", scopes=frozenset({Scope.COMPANIES_READ})),
    )
    for viewer in (AGENT, COMPANY_USER, key):
        assert not refused_everywhere(viewer) & {Tier.TIER1, Tier.TIER2, Tier.PROJECT_GROUP}
    assert Tier.AUTHENTICATED in refused_everywhere(key)  # no DIRECTORY_READ
