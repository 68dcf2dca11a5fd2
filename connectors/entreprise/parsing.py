"""API Entreprise wire format (``{data, links, meta}``) → the connector's models.

Dates: INSEE fields are Unix timestamps of midnight, Paris time (``date_creation``,
``date_fermeture``, ``date_cessation``); DGFIP/URSSAF fields are ISO dates. Personal data the
gateway never needs (mandataires' birth date and place, nationality) is dropped here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from connectors.entreprise.geography import department_of_commune, region_of_department
from connectors.entreprise.models import (
    Address,
    BalanceSheet,
    Compliance,
    Etablissement,
    Headcount,
    Mandataire,
    Turnover,
    UniteLegale,
)

__all__ = [
    "PayloadError",
    "parse_attestation_fiscale",
    "parse_attestation_vigilance",
    "parse_chiffres_affaires",
    "parse_etablissement",
    "parse_mandataires_sociaux",
    "parse_unite_legale",
]

_PARIS = ZoneInfo("Europe/Paris")
_DIFFUSIBLE = "diffusible"


class PayloadError(ValueError):
    """The upstream answered 200 with a body we cannot read."""


def parse_etablissement(payload: Mapping[str, Any]) -> Etablissement:
    data = _data(payload)
    unit = _mapping(data.get("unite_legale"))
    siret = _required_str(data, "siret")
    legal_form = _mapping(unit.get("forme_juridique"))
    activity = _mapping(data.get("activite_principale"))
    workforce = _mapping(data.get("tranche_effectif_salarie"))
    return Etablissement(
        siret=siret,
        siren=_str(unit.get("siren")) or siret[:9],
        name=_unit_name(unit),
        diffusible=_is_diffusible(data) and (not unit or _is_diffusible(unit)),
        naf_code=_str(activity.get("code")),
        naf_label=_str(activity.get("libelle")),
        legal_form_code=_str(legal_form.get("code")),
        legal_form_label=_str(legal_form.get("libelle")),
        workforce_code=_str(workforce.get("code")),
        workforce_label=_str(workforce.get("intitule")),
        created_on=_timestamp_date(data.get("date_creation")),
        head_office=bool(data.get("siege_social")),
        active=data.get("etat_administratif") == "A",
        address=_address(_mapping(data.get("adresse"))),
        category=_str(unit.get("categorie_entreprise")),
    )


def parse_unite_legale(payload: Mapping[str, Any]) -> UniteLegale:
    data = _data(payload)
    legal_form = _mapping(data.get("forme_juridique"))
    return UniteLegale(
        siren=_required_str(data, "siren"),
        name=_unit_name(data),
        diffusible=_is_diffusible(data),
        legal_form_code=_str(legal_form.get("code")),
        legal_form_label=_str(legal_form.get("libelle")),
        category=_str(data.get("categorie_entreprise")),
        created_on=_timestamp_date(data.get("date_creation")),
        active=data.get("etat_administratif") == "A",
        head_office_siret=_str(data.get("siret_siege_social")),
    )


def parse_mandataires_sociaux(payload: Mapping[str, Any]) -> tuple[Mandataire, ...]:
    mandataires = []
    for item in _items(payload):
        role = _str(item.get("fonction")) or ""
        if item.get("type") == "personne_morale":
            mandataires.append(
                Mandataire(
                    kind="COMPANY",
                    first_name=None,
                    last_name=None,
                    company_name=_str(item.get("raison_sociale")),
                    role=role,
                )
            )
        else:
            mandataires.append(
                Mandataire(
                    kind="PERSON",
                    first_name=_str(item.get("prenom")),
                    last_name=_str(item.get("nom")),
                    company_name=None,
                    role=role,
                )
            )
    return tuple(mandataires)


def parse_chiffres_affaires(payload: Mapping[str, Any]) -> tuple[Turnover, ...]:
    """Newest fiscal year first."""
    turnovers = []
    for item in _items(payload):
        closing = _iso_date(item.get("date_fin_exercice"))
        amount = item.get("chiffre_affaires")
        if closing is None or not isinstance(amount, int | float):
            raise PayloadError("chiffre d'affaires without amount or closing date")
        turnovers.append(Turnover(year=closing.year, amount=round(amount), closing_date=closing))
    return tuple(sorted(turnovers, key=lambda turnover: turnover.year, reverse=True))


def parse_attestation_vigilance(payload: Mapping[str, Any]) -> Compliance:
    """URSSAF v4: delivered (``entity_status.code == "ok"``) means up to date."""
    data = _data(payload)
    status = _mapping(data.get("entity_status"))
    return Compliance(
        up_to_date=status.get("code") == "ok" and bool(data.get("document_url")),
        issued_on=_iso_date(data.get("date_debut_validite")),
        valid_until=_iso_date(data.get("date_fin_validite")),
    )


def parse_attestation_fiscale(payload: Mapping[str, Any]) -> Compliance:
    """DGFIP v4: a delivered certificate means up to date. The wire gives no end of validity."""
    data = _data(payload)
    status = _mapping(data.get("entity_status"))
    return Compliance(
        up_to_date=bool(data.get("document_url")) and status.get("code", "ok") == "ok",
        issued_on=_iso_date(data.get("date_delivrance_attestation")),
        valid_until=None,
    )


def _data(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    data = payload.get("data")
    if not isinstance(data, Mapping):
        raise PayloadError("envelope without a data object")
    return data


def _items(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = payload.get("data")
    if not isinstance(items, list):
        raise PayloadError("envelope without a data list")
    return [_mapping(_mapping(item).get("data")) for item in items]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _required_str(data: Mapping[str, Any], key: str) -> str:
    value = _str(data.get(key))
    if value is None:
        raise PayloadError(f"missing {key}")
    return value


def _is_diffusible(data: Mapping[str, Any]) -> bool:
    # The live API spells it ``status_diffusion``; older documents say ``statut_diffusion``.
    status = data.get("status_diffusion", data.get("statut_diffusion"))
    return bool(status == _DIFFUSIBLE)


def _unit_name(unit: Mapping[str, Any]) -> str | None:
    legal_person = _mapping(unit.get("personne_morale_attributs"))
    company_name = _str(legal_person.get("raison_sociale"))
    if company_name:
        return company_name
    person = _mapping(unit.get("personne_physique_attributs"))
    first_name = _str(person.get("prenom_usuel")) or _str(person.get("prenom_1"))
    last_name = _str(person.get("nom_usage")) or _str(person.get("nom_naissance"))
    parts = [part for part in (first_name, last_name) if part]
    return " ".join(parts) or None


def _address(address: Mapping[str, Any]) -> Address:
    street_parts = (
        address.get("numero_voie"),
        address.get("indice_repetition_voie"),
        address.get("type_voie"),
        address.get("libelle_voie"),
    )
    street = " ".join(part for part in map(_str, street_parts) if part) or None
    commune_code = _str(address.get("code_commune"))
    department = department_of_commune(commune_code)
    return Address(
        street=street,
        postal_code=_str(address.get("code_postal")),
        city=_str(address.get("libelle_commune")),
        commune_code=commune_code,
        department_code=department,
        region_code=region_of_department(department),
    )


def _timestamp_date(value: Any) -> date | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _iso_date(value)
    return datetime.fromtimestamp(value, _PARIS).date()


def _iso_date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise PayloadError("malformed date") from exc


def parse_effectifs_annuels(payload: Mapping[str, Any]) -> Headcount:
    data = _data(payload)
    year = data.get("annee")
    values = [
        value
        for item in data.get("effectifs") or ()
        if isinstance(value := _mapping(item).get("valeur"), int | float)
    ]
    if not isinstance(year, str) or not year.isdigit() or not values:
        raise PayloadError("effectifs without year or value")
    return Headcount(year=int(year), staff=float(sum(values)))


def parse_bilans(payload: Mapping[str, Any]) -> tuple[BalanceSheet, ...]:
    """Newest fiscal year first."""
    sheets = []
    for item in _items(payload):
        closing = _iso_date(item.get("date_arret_exercice"))
        if closing is None:
            raise PayloadError("bilan without closing date")
        values = _mapping(item.get("valeurs"))
        sheets.append(
            BalanceSheet(
                year=closing.year,
                closing_date=closing,
                turnover=_amount(values.get("chiffre_affaires_ht")),
                total=_amount(values.get("total_bilan")),
                share_capital=_amount(values.get("capital_social")),
                equity=_amount(values.get("capitaux_propres")),
            )
        )
    return tuple(sorted(sheets, key=lambda sheet: sheet.closing_date, reverse=True))


def _amount(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(value)
