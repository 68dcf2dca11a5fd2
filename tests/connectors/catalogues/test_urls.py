"""A catalogue URL may be the host root or the documented feed URL: both reach the feed."""

from __future__ import annotations

import pytest

from connectors.catalogues import bpifrance, francenum, region
from connectors.catalogues.urls import source_root

FRANCENUM = [francenum.SCHEMES_PATH, francenum.ACTIVATORS_PATH]


@pytest.mark.parametrize(
    ("configured", "paths", "root"),
    [
        ("https://aides.example", [region.PATH], "https://aides.example"),
        ("https://aides.example/", [region.PATH], "https://aides.example"),
        ("https://aides.example/region/api/v1/dispositifs", [region.PATH], "https://aides.example"),
        ("https://aides.example/region/api/v1/", [region.PATH], "https://aides.example"),
        ("https://aides.example/region", [region.PATH], "https://aides.example"),
        (
            "https://gw.example/proxy/bpifrance/api/aids/",
            [bpifrance.PATH],
            "https://gw.example/proxy",
        ),
        ("https://fn.example/francenum/api/v2/activateurs", FRANCENUM, "https://fn.example"),
        ("https://fn.example/francenum/api/v2/dispositifs?x=1", FRANCENUM, "https://fn.example"),
        ("https://fn.example/francenum/api/v2", FRANCENUM, "https://fn.example"),
        # a path that only ends like a segment of the feed path is not cut mid-segment
        ("https://aides.example/myregion", [region.PATH], "https://aides.example/myregion"),
    ],
)
def test_the_feed_url_and_the_host_root_name_the_same_source(
    configured: str, paths: list[str], root: str
) -> None:
    assert source_root(configured, paths) == root
