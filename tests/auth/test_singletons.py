"""The auth enums hash by identity (``auth.singletons.SingletonEnum``) and behave as enums
in every other way: looked up by value, found in dicts and sets, the same member after a
round trip through pickle."""

from __future__ import annotations

import pickle

import pytest

from auth.scopes import Scope
from auth.singletons import SingletonEnum
from auth.tiers import Access, Tier
from auth.viewer import ViewerKind

MEMBERS = [*Access, *Tier, *ViewerKind, *Scope]


@pytest.mark.parametrize("member", MEMBERS, ids=repr)
def test_a_member_is_a_singleton_found_by_value_and_by_hash(member: SingletonEnum) -> None:
    assert hash(member) == object.__hash__(member)
    assert type(member)(member.value) is member
    assert pickle.loads(pickle.dumps(member)) is member
    assert {member: True}[pickle.loads(pickle.dumps(member))]


def test_members_of_different_enums_with_the_same_value_stay_apart() -> None:
    assert Access.TIER2 != Tier.TIER2
    assert len({Access.TIER2, Tier.TIER2, Access.ADMIN, Tier.ADMIN}) == 4
