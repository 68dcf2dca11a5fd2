"""The agenda's events, in OpenAgenda's wire format: deterministic for a seed and a day
(dated around ``today``, so that a running sandbox always has upcoming events)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["AGENDA_UID", "EVENTS_SEED", "seed_events"]

AGENDA_UID = "48213960"
EVENTS_SEED = 20261204
_PARIS = ZoneInfo("Europe/Paris")

_TEMPLATES: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("Rencontres de l'aéronautique et du spatial", "Aerospace business meetings",
     ("aéronautique", "spatial", "sous-traitance")),
    ("Salon de l'agroalimentaire d'Occitanie", "Occitanie food industry fair",
     ("agroalimentaire", "circuits courts")),
    ("Atelier transformation numérique des TPE", None, ("numérique", "cybersécurité", "TPE")),
    ("Journée santé et dispositifs médicaux", "Health and medical devices day",
     ("santé", "medtech")),
    ("Industrie du futur : visite d'usine", "Factory of the future: plant visit",
     ("industrie du futur", "industrie", "robotique")),
    ("Forum du tourisme durable", None, ("tourisme", "oenotourisme")),
    ("Hydrogène vert : appel à projets expliqué", None, ("hydrogène", "énergie")),
    ("Petit-déjeuner de la construction durable", None, ("BTP", "construction", "bois")),
    ("Réunion d'information création-reprise", None, ("création d'entreprise", "reprise")),
    ("Webinaire : financer son export", "Webinar: financing exports", ("export",)),
    ("Économie sociale et solidaire : les aides de la Région", None, ("ESS", "insertion")),
    ("Rencontres de la filière bois", None, ("bois", "forêt")),
    ("Journée de l'artisanat et du commerce de proximité", None,
     ("artisanat", "commerce")),
    ("Nautisme et économie de la mer", "Boating and the sea economy", ("nautisme", "mer")),
    ("Énergies renouvelables : solaire et éolien en mer", None,
     ("énergies renouvelables", "éolien")),
    ("Viticulture : transition et export", None, ("viticulture", "vin", "export")),
)  # fmt: skip
"""(French title, English title or None, keywords in French)."""

_PLACES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Hôtel de Région", "22 boulevard du Maréchal Juin", "Toulouse", "31400", "Haute-Garonne"),
    ("Hôtel de Région", "201 avenue de la Pompignane", "Montpellier", "34000", "Hérault"),
    ("CCI Gard", "12 rue de la République", "Nîmes", "30000", "Gard"),
    ("Maison de la Région", "10 place de la Bourse", "Perpignan", "66000", "Pyrénées-Orientales"),
    ("Parc des expositions", "Route de Toulouse", "Albi", "81000", "Tarn"),
    ("Maison de la Région", "35 rue du Mûrier", "Rodez", "12000", "Aveyron"),
    ("CCI Aude", "3 boulevard Camille Pelletan", "Carcassonne", "11000", "Aude"),
    ("Pépinière d'entreprises", "Avenue des Pyrénées", "Tarbes", "65000", "Hautes-Pyrénées"),
    ("Halle aux grains", "Place de la Halle", "Auch", "32000", "Gers"),
    ("Maison de la Région", "Quai Cavaignac", "Cahors", "46000", "Lot"),
)  # fmt: skip


def seed_events(today: date, seed: int = EVENTS_SEED, count: int = 60) -> list[dict[str, Any]]:
    """``count`` events from 40 days before ``today`` to 5 months after it."""
    rng = random.Random(seed)
    events = []
    for index in range(count):
        title_fr, title_en, keywords = _TEMPLATES[index % len(_TEMPLATES)]
        name, address, city, postal_code, department = rng.choice(_PLACES)
        day = today + timedelta(days=rng.randint(-40, 150))
        begin = datetime.combine(day, time(rng.choice((9, 10, 14, 18))), _PARIS)
        hours = rng.choice((2, 3, 8))
        timings = [_timing(begin, hours)]
        if rng.random() < 0.25:  # a two-day event: two timings
            timings.append(_timing(begin + timedelta(days=1), hours))
        title = {"fr": f"{title_fr} — {city}"}
        if title_en:
            title["en"] = f"{title_en} — {city}"
        uid = str(50_000_000 + index * 7919)
        events.append({
            "uid": int(uid),
            "slug": f"evenement-{uid}",
            "title": title,
            "description": {"fr": f"{title_fr}, organisé à {city} avec les partenaires du Hub "
                                  "Entreprendre Occitanie."},
            "keywords": {"fr": list(keywords)},
            "dateRange": {"fr": day.strftime("%d/%m/%Y")},
            "timings": timings,
            "firstTiming": timings[0],
            "lastTiming": timings[-1],
            "location": {
                "uid": 7_000_000 + _PLACES.index((name, address, city, postal_code, department)),
                "name": name, "address": address, "city": city, "postalCode": postal_code,
                "department": department, "region": "Occitanie", "countryCode": "FR",
            },
            "updatedAt": datetime.combine(today - timedelta(days=rng.randint(1, 60)),
                                          time(8), _PARIS).isoformat(timespec="milliseconds"),
        })  # fmt: skip
    return events


def _timing(begin: datetime, hours: int) -> dict[str, str]:
    end = begin + timedelta(hours=hours)
    return {
        "begin": begin.isoformat(timespec="milliseconds"),
        "end": end.isoformat(timespec="milliseconds"),
    }
