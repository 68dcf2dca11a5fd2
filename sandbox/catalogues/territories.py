"""France's regions and departments (real INSEE codes and names) with one or two of their towns,
and the fiction telephone ranges the sandbox draws its numbers from."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

__all__ = ["DEPARTMENTS", "MOBILE", "REGIONS", "Department", "Phones", "slug"]

Department = tuple[str, str, tuple[str, ...]]
"""(INSEE code, name, towns)."""

REGIONS: dict[str, tuple[str, tuple[Department, ...]]] = {
    "11": ("Île-de-France", (
        ("75", "Paris", ("Paris",)), ("77", "Seine-et-Marne", ("Melun", "Meaux")),
        ("78", "Yvelines", ("Versailles",)), ("91", "Essonne", ("Évry-Courcouronnes",)),
        ("92", "Hauts-de-Seine", ("Nanterre",)), ("93", "Seine-Saint-Denis", ("Bobigny",)),
        ("94", "Val-de-Marne", ("Créteil",)), ("95", "Val-d'Oise", ("Cergy",)))),
    "24": ("Centre-Val de Loire", (
        ("18", "Cher", ("Bourges",)), ("28", "Eure-et-Loir", ("Chartres",)),
        ("36", "Indre", ("Châteauroux",)), ("37", "Indre-et-Loire", ("Tours",)),
        ("41", "Loir-et-Cher", ("Blois",)), ("45", "Loiret", ("Orléans",)))),
    "27": ("Bourgogne-Franche-Comté", (
        ("21", "Côte-d'Or", ("Dijon",)), ("25", "Doubs", ("Besançon",)),
        ("39", "Jura", ("Lons-le-Saunier",)), ("58", "Nièvre", ("Nevers",)),
        ("70", "Haute-Saône", ("Vesoul",)), ("71", "Saône-et-Loire", ("Mâcon", "Chalon-sur-Saône")),
        ("89", "Yonne", ("Auxerre",)), ("90", "Territoire de Belfort", ("Belfort",)))),
    "28": ("Normandie", (
        ("14", "Calvados", ("Caen",)), ("27", "Eure", ("Évreux",)),
        ("50", "Manche", ("Saint-Lô", "Cherbourg-en-Cotentin")), ("61", "Orne", ("Alençon",)),
        ("76", "Seine-Maritime", ("Rouen", "Le Havre")))),
    "32": ("Hauts-de-France", (
        ("02", "Aisne", ("Laon", "Saint-Quentin")), ("59", "Nord", ("Lille", "Dunkerque")),
        ("60", "Oise", ("Beauvais",)), ("62", "Pas-de-Calais", ("Arras", "Calais")),
        ("80", "Somme", ("Amiens",)))),
    "44": ("Grand Est", (
        ("08", "Ardennes", ("Charleville-Mézières",)), ("10", "Aube", ("Troyes",)),
        ("51", "Marne", ("Châlons-en-Champagne", "Reims")), ("52", "Haute-Marne", ("Chaumont",)),
        ("54", "Meurthe-et-Moselle", ("Nancy",)), ("55", "Meuse", ("Bar-le-Duc",)),
        ("57", "Moselle", ("Metz",)), ("67", "Bas-Rhin", ("Strasbourg",)),
        ("68", "Haut-Rhin", ("Colmar", "Mulhouse")), ("88", "Vosges", ("Épinal",)))),
    "52": ("Pays de la Loire", (
        ("44", "Loire-Atlantique", ("Nantes", "Saint-Nazaire")),
        ("49", "Maine-et-Loire", ("Angers", "Cholet")), ("53", "Mayenne", ("Laval",)),
        ("72", "Sarthe", ("Le Mans",)), ("85", "Vendée", ("La Roche-sur-Yon",)))),
    "53": ("Bretagne", (
        ("22", "Côtes-d'Armor", ("Saint-Brieuc",)), ("29", "Finistère", ("Quimper", "Brest")),
        ("35", "Ille-et-Vilaine", ("Rennes",)), ("56", "Morbihan", ("Vannes", "Lorient")))),
    "75": ("Nouvelle-Aquitaine", (
        ("16", "Charente", ("Angoulême",)), ("17", "Charente-Maritime", ("La Rochelle",)),
        ("19", "Corrèze", ("Tulle", "Brive-la-Gaillarde")), ("23", "Creuse", ("Guéret",)),
        ("24", "Dordogne", ("Périgueux",)), ("33", "Gironde", ("Bordeaux",)),
        ("40", "Landes", ("Mont-de-Marsan",)), ("47", "Lot-et-Garonne", ("Agen",)),
        ("64", "Pyrénées-Atlantiques", ("Pau", "Bayonne")), ("79", "Deux-Sèvres", ("Niort",)),
        ("86", "Vienne", ("Poitiers",)), ("87", "Haute-Vienne", ("Limoges",)))),
    "76": ("Occitanie", (
        ("09", "Ariège", ("Foix",)), ("11", "Aude", ("Carcassonne", "Narbonne")),
        ("12", "Aveyron", ("Rodez",)), ("30", "Gard", ("Nîmes", "Alès")),
        ("31", "Haute-Garonne", ("Toulouse",)), ("32", "Gers", ("Auch",)),
        ("34", "Hérault", ("Montpellier", "Béziers")), ("46", "Lot", ("Cahors",)),
        ("48", "Lozère", ("Mende",)), ("65", "Hautes-Pyrénées", ("Tarbes",)),
        ("66", "Pyrénées-Orientales", ("Perpignan",)), ("81", "Tarn", ("Albi", "Castres")),
        ("82", "Tarn-et-Garonne", ("Montauban",)))),
    "84": ("Auvergne-Rhône-Alpes", (
        ("01", "Ain", ("Bourg-en-Bresse",)), ("03", "Allier", ("Moulins", "Montluçon")),
        ("07", "Ardèche", ("Privas",)), ("15", "Cantal", ("Aurillac",)),
        ("26", "Drôme", ("Valence",)), ("38", "Isère", ("Grenoble",)),
        ("42", "Loire", ("Saint-Étienne",)), ("43", "Haute-Loire", ("Le Puy-en-Velay",)),
        ("63", "Puy-de-Dôme", ("Clermont-Ferrand",)), ("69", "Rhône", ("Lyon",)),
        ("73", "Savoie", ("Chambéry",)), ("74", "Haute-Savoie", ("Annecy",)))),
    "93": ("Provence-Alpes-Côte d'Azur", (
        ("04", "Alpes-de-Haute-Provence", ("Digne-les-Bains",)), ("05", "Hautes-Alpes", ("Gap",)),
        ("06", "Alpes-Maritimes", ("Nice",)),
        ("13", "Bouches-du-Rhône", ("Marseille", "Aix-en-Provence")),
        ("83", "Var", ("Toulon",)), ("84", "Vaucluse", ("Avignon",)))),
    "94": ("Corse", (("2A", "Corse-du-Sud", ("Ajaccio",)), ("2B", "Haute-Corse", ("Bastia",)))),
    "01": ("Guadeloupe", (("971", "Guadeloupe", ("Basse-Terre", "Pointe-à-Pitre")),)),
    "02": ("Martinique", (("972", "Martinique", ("Fort-de-France",)),)),
    "03": ("Guyane", (("973", "Guyane", ("Cayenne",)),)),
    "04": ("La Réunion", (("974", "La Réunion", ("Saint-Denis", "Saint-Pierre")),)),
    "06": ("Mayotte", (("976", "Mayotte", ("Mamoudzou",)),)),
}  # fmt: skip
"""INSEE region code → (name, departments): the 13 metropolitan regions and the 5 overseas."""

DEPARTMENTS: dict[str, Department] = {
    department[0]: department for _, departments in REGIONS.values() for department in departments
}


# ARCEP's fiction ranges ("numéros réservés à la fiction"): no subscriber ever holds them.
_LANDLINE_BY_REGION = {"11": "01 99 00", "24": "02 61 91", "28": "02 61 91", "52": "02 61 91",
                       "53": "02 61 91", "27": "03 53 01", "32": "03 53 01", "44": "03 53 01",
                       "84": "04 65 71", "93": "04 65 71", "94": "04 65 71", "75": "05 36 49"}  # fmt: skip
_WEST_OCCITANIE = {"09", "12", "31", "32", "46", "65", "81", "82"}
MOBILE = "06 39 98"
_FIRST = {"04 65 71": 9000}
"""The hub's own seed uses 04 65 71 below 9000."""


class Phones:
    """Hands out distinct fiction numbers, by prefix, in order."""

    def __init__(self) -> None:
        self._next: dict[str, Iterator[int]] = {}

    def take(self, prefix: str) -> str:
        numbers = self._next.setdefault(prefix, iter(range(_FIRST.get(prefix, 0), 10_000)))
        n = next(numbers, None)
        if n is None:
            return self.take(MOBILE) if prefix != MOBILE else _exhausted()
        return f"{prefix} {n // 100:02d} {n % 100:02d}"

    def landline(self, region: str, department: str) -> str:
        if region == "76":
            return self.take("05 36 49" if department in _WEST_OCCITANIE else "04 65 71")
        return self.take(_LANDLINE_BY_REGION.get(region, MOBILE))

    def mobile(self) -> str:
        return self.take(MOBILE)


def _exhausted() -> str:
    raise RuntimeError("the fiction phone ranges are exhausted")


def slug(text: str) -> str:
    """``"Côte-d'Or"`` → ``"cote-d-or"``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())
