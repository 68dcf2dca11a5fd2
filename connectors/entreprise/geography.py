"""Department and region of a French commune, from its INSEE (COG) code."""

from __future__ import annotations

__all__ = ["REGION_OF_DEPARTMENT", "department_of_commune", "region_of_department"]

_REGIONS: dict[str, tuple[str, ...]] = {
    "01": ("971",),  # Guadeloupe
    "02": ("972",),  # Martinique
    "03": ("973",),  # Guyane
    "04": ("974",),  # La Réunion
    "06": ("976",),  # Mayotte
    "11": ("75", "77", "78", "91", "92", "93", "94", "95"),  # Île-de-France
    "24": ("18", "28", "36", "37", "41", "45"),  # Centre-Val de Loire
    "27": ("21", "25", "39", "58", "70", "71", "89", "90"),  # Bourgogne-Franche-Comté
    "28": ("14", "27", "50", "61", "76"),  # Normandie
    "32": ("02", "59", "60", "62", "80"),  # Hauts-de-France
    "44": ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"),  # Grand Est
    "52": ("44", "49", "53", "72", "85"),  # Pays de la Loire
    "53": ("22", "29", "35", "56"),  # Bretagne
    "75": ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"),
    "76": ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"),
    "84": ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"),
    "93": ("04", "05", "06", "13", "83", "84"),  # Provence-Alpes-Côte d'Azur
    "94": ("2A", "2B"),  # Corse
}

REGION_OF_DEPARTMENT: dict[str, str] = {
    department: region for region, departments in _REGIONS.items() for department in departments
}
"""COG department code → COG region code (75 Nouvelle-Aquitaine, 76 Occitanie, 84 AURA…)."""


def department_of_commune(commune_code: str | None) -> str | None:
    """``30189`` → ``30``; ``2A004`` → ``2A``; ``97411`` → ``974``; anything else → None."""
    if not commune_code or len(commune_code) != 5:
        return None
    code = commune_code.upper()
    department = code[:3] if code.startswith("97") else code[:2]
    return department if department in REGION_OF_DEPARTMENT else None


def region_of_department(department_code: str | None) -> str | None:
    if department_code is None:
        return None
    return REGION_OF_DEPARTMENT.get(department_code.upper())
