"""The segment read from the data: a company less than 3 years old is a nouveau dirigeant's;
a holder's project a créateur's or, on « reprise », a repreneur's; « transmission », a
cédant's."""

from __future__ import annotations

from datetime import date

from connectors.hubdb.enums import Segment
from resolvers.segments import is_new_company, theme_segment


def test_a_company_is_new_until_its_third_birthday() -> None:
    created = date(2023, 5, 10)
    assert is_new_company(created, date(2026, 5, 9))
    assert not is_new_company(created, date(2026, 5, 10))
    assert not is_new_company(created, date(2023, 5, 9))  # not yet created


def test_a_company_created_on_29_february_turns_three_on_1_march() -> None:
    created = date(2024, 2, 29)
    assert is_new_company(created, date(2027, 2, 28))
    assert not is_new_company(created, date(2027, 3, 1))


def test_a_holders_project_is_a_creators_unless_it_is_about_a_reprise() -> None:
    assert theme_segment(None, holder=True) is Segment.CREATEUR
    assert theme_segment("creation", holder=True) is Segment.CREATEUR
    assert theme_segment("Reprise", holder=True) is Segment.REPRENEUR


def test_a_companys_project_has_a_segment_only_for_a_transfer_or_a_reprise() -> None:
    assert theme_segment("transmission", holder=False) is Segment.CEDANT
    assert theme_segment("reprise", holder=False) is Segment.REPRENEUR
    assert theme_segment("export", holder=False) is None
