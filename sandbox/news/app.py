"""A stand-in for the Région's news feed: ``GET /actualites/rss.xml``, RSS 2.0 with one
``category`` per theme, 40 items dated back from ``today`` (deterministic for a seed and a
day); faults and call counts under ``/_sandbox`` (``sandbox.control``)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.catalogues.control import SourceState
from sandbox.control import control_routes
from sandbox.entreprise.faults import SandboxConfig

__all__ = ["FEED_PATH", "NEWS_SEED", "NewsSandboxConfig", "create_app", "rss"]

FEED_PATH = "/actualites/rss.xml"
NEWS_SEED = 20261205
_SITE = "https://www.laregion.fr"
_PARIS = ZoneInfo("Europe/Paris")

_STORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("La Région soutient un nouveau site aéronautique près de Toulouse",
     ("Aéronautique", "Emploi")),
    ("Agroalimentaire : un appel à projets pour les circuits courts", ("Agroalimentaire",)),
    ("Chèque numérique : les TPE occitanes s'équipent", ("Numérique", "TPE")),
    ("Santé : trois start-up medtech accompagnées", ("Santé", "Innovation")),
    ("Industrie du futur : le Parcours ouvre une nouvelle session", ("Industrie",)),
    ("Tourisme : la saison s'annonce record sur le littoral", ("Tourisme",)),
    ("Hydrogène vert : un corridor de la Méditerranée à l'Atlantique", ("Hydrogène", "Énergie")),
    ("Construction bois : un prix régional pour les entreprises du BTP", ("BTP", "Bois")),
    ("Économie sociale et solidaire : le fonds régional reconduit", ("ESS",)),
    ("Artisanat et commerce de proximité : des aides à la modernisation",
     ("Artisanat", "Commerce")),
    ("Éolien en mer : la filière recrute", ("Énergies renouvelables", "Mer")),
    ("Viticulture : un plan pour l'export des vins d'Occitanie", ("Viticulture", "Export")),
    ("Entreprendre en Occitanie : les chiffres de la création", ("Création d'entreprise",)),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class NewsSandboxConfig:
    seed: int = NEWS_SEED
    today: date | None = None
    """The day the latest items are dated around (None: today)."""
    faults: SandboxConfig = field(default_factory=SandboxConfig)


def _error(code: str, message: str) -> object:
    return {"error": code, "message": message}


def rss(today: date, seed: int = NEWS_SEED, count: int = 40) -> str:
    """The feed's text: ``count`` items, newest first."""
    rng = random.Random(seed)
    items = []
    for index in range(count):
        title, categories = _STORIES[index % len(_STORIES)]
        moment = datetime.combine(today - timedelta(days=index * 3 + rng.randint(0, 2)),
                                  time(rng.choice((8, 11, 16))), _PARIS)  # fmt: skip
        slug = f"actualite-{index + 1:03d}"
        tags = "".join(f"<category>{escape(c)}</category>" for c in categories)
        items.append(
            f"<item><title>{escape(title)}</title><link>{_SITE}/{slug}</link>"
            f'<guid isPermaLink="false">region-occitanie-{slug}</guid>'
            f"<pubDate>{format_datetime(moment)}</pubDate>{tags}"
            f"<description>{escape(f'<p>{title}. <b>En savoir plus</b> sur le site.</p>')}"
            "</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Région Occitanie — Actualités</title>"
        f"<link>{_SITE}</link><description>Les actualités de la Région</description>"
        f"{''.join(items)}</channel></rss>"
    )


def create_app(config: NewsSandboxConfig | None = None) -> Starlette:
    config = config or NewsSandboxConfig()
    state = SourceState("", config.faults, _error)
    body = rss(config.today or date.today(), config.seed)

    async def feed(request: Request) -> Response:
        await state.admit(request)
        fault = await state.injected_fault()
        if fault is not None:
            return fault
        return Response(body, media_type="application/rss+xml; charset=utf-8")

    routes = [Route(FEED_PATH, feed, methods=["GET"]), *control_routes(state.faults, state.calls)]
    return Starlette(routes=routes)
