"""The catalogue sandbox's seed: the three real schemes, the generated ones and France Num's
activators, built once per (seed, month) and lazily, from one ``random.Random(seed)``."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from sandbox.catalogues import wire
from sandbox.catalogues.activators import generated_activators
from sandbox.catalogues.real import real_schemes
from sandbox.catalogues.records import Activator, Scheme, Source
from sandbox.catalogues.schemes import generated_schemes, month_start
from sandbox.catalogues.territories import Phones

__all__ = ["DEFAULT_SEED", "Catalogue", "Payloads", "build", "catalogue", "payloads"]

DEFAULT_SEED = 20261123

Payload = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Catalogue:
    schemes: tuple[Scheme, ...]
    activators: tuple[Activator, ...]

    def of(self, source: Source) -> tuple[Scheme, ...]:
        return tuple(scheme for scheme in self.schemes if scheme.source == source)


@dataclass(frozen=True, slots=True)
class Payloads:
    """Every item as its partner serves it, in the order it pages them."""

    region: tuple[Payload, ...]
    bpifrance: tuple[Payload, ...]
    francenum: tuple[Payload, ...]
    activators: tuple[Payload, ...]


def build(seed: int = DEFAULT_SEED, today: date | None = None) -> Catalogue:
    """A fresh build (no cache): the same ``seed`` in the same month gives an equal catalogue."""
    reference = month_start(today or date.today())
    rng = random.Random(seed)
    phones = Phones()
    schemes = (*real_schemes(phones), *generated_schemes(rng, reference, phones))
    return Catalogue(schemes, tuple(generated_activators(rng, phones)))


def catalogue(seed: int = DEFAULT_SEED, today: date | None = None) -> Catalogue:
    return _catalogue(seed, month_start(today or date.today()))


def payloads(seed: int = DEFAULT_SEED, today: date | None = None) -> Payloads:
    return _payloads(seed, month_start(today or date.today()))


@functools.cache
def _catalogue(seed: int, reference: date) -> Catalogue:
    return build(seed, reference)


@functools.cache
def _payloads(seed: int, reference: date) -> Payloads:
    built = _catalogue(seed, reference)
    return Payloads(
        region=tuple(wire.region_dispositif(scheme) for scheme in built.of("region")),
        bpifrance=tuple(wire.bpifrance_aid(scheme) for scheme in built.of("bpifrance")),
        francenum=tuple(wire.francenum_dispositif(scheme) for scheme in built.of("francenum")),
        activators=tuple(wire.francenum_activateur(item) for item in built.activators),
    )
