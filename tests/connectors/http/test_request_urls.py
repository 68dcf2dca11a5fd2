"""A partner call's URL written in one parse is the URL httpx builds from the same base,
path and parameters, byte for byte; what httpx must merge itself is left to it."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.http.request_urls import call_url

_BASES = (
    "http://127.0.0.1:18555",
    "http://sandbox.test",
    "https://entreprise.api.gouv.fr",
    "http://h.test/api",
    "http://h.test/api/",
    "https://[::1]:8443/x/y",
)
_PATH_CHARACTERS = st.characters(codec="utf-8", exclude_characters="?#:\x00")
_VALUES = st.one_of(st.text(st.characters(codec="utf-8")), st.integers(), st.booleans())


@given(
    base=st.sampled_from(_BASES),
    path=st.text(_PATH_CHARACTERS, max_size=40).filter(lambda path: not path.startswith("//")),
    params=st.none() | st.dictionaries(st.text(st.characters(codec="utf-8")), _VALUES, max_size=4),
)
def test_the_url_is_the_one_httpx_builds(
    base: str, path: str, params: dict[str, str | int] | None
) -> None:
    client = httpx.AsyncClient(base_url=base)
    try:
        expected = client.build_request("GET", path, params=params).url
    except httpx.InvalidURL:  # a control character: refused both ways
        with pytest.raises(httpx.InvalidURL):
            call_url(client.base_url, path, params)
        return
    url = call_url(client.base_url, path, params)
    assert url is not None
    assert (str(url), url.raw_path) == (str(expected), expected.raw_path)


def test_an_api_entreprise_call_keeps_its_encoded_purpose() -> None:
    params = {"recipient": "20005379100014", "object": "Hub : l'entreprise et son réseau"}
    url = call_url(httpx.URL("https://entreprise.api.gouv.fr/"), "/v3/insee/x/1", params)
    assert str(url) == (
        "https://entreprise.api.gouv.fr/v3/insee/x/1?recipient=20005379100014"
        "&object=Hub+%3A+l%27entreprise+et+son+r%C3%A9seau"
    )


@pytest.mark.parametrize(
    ("base", "path"),
    [
        ("http://h.test", "/search?q=1"),  # a query of its own: httpx merges the parameters
        ("http://h.test", "https://other.test/file.pdf"),  # a URL of its own
        ("http://h.test", "x:y"),  # a scheme, to httpx
        ("http://h.test", "//other.test/x"),  # a host, to httpx
        ("http://h.test", "/page#part"),  # a fragment
        ("", "/relative"),  # a client without a base
        ("http://user:secret@h.test", "/x"),  # credentials in the base
    ],
)
def test_what_httpx_must_merge_is_left_to_it(base: str, path: str) -> None:
    assert call_url(httpx.AsyncClient(base_url=base).base_url, path, {"a": "1"}) is None
