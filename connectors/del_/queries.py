"""The GraphQL documents the DEL connector sends (démarches-simplifiées' API, with the
Région's extensions: the root ``dossiers`` listing by SIRET or change date, the idempotency
key, payments; docs/decisions.md, issue 11)."""

from __future__ import annotations

__all__ = ["BY_KEY", "DEPOSER", "DOSSIER", "DOSSIERS", "PAIEMENT"]

_FIELDS = """
fragment DossierFields on Dossier {
  id number state dateDepot datePassageEnInstruction dateTraitement dateDerniereModification
  motivation idempotencyKey
  demandeur { __typename ... on PersonneMorale { siret } }
  champs {
    __typename label stringValue
    ... on PieceJustificativeChamp { files { filename createdAt } }
  }
  annotations { label stringValue }
  traitements { state suivi dateTraitement }
  paiements { nature montant etat demandeLe verseLe }
}
"""

DOSSIER = "query Dossier($number: Int!) { dossier(number: $number) { ...DossierFields } }" + _FIELDS

DOSSIERS = (
    """query Dossiers($siret: String, $updatedSince: ISO8601DateTime, $first: Int,
    $after: String) {
  dossiers(siret: $siret, updatedSince: $updatedSince, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { ...DossierFields }
  }
}"""
    + _FIELDS
)

BY_KEY = (
    """query ParCle($key: String!) {
  dossierByIdempotencyKey(key: $key) { ...DossierFields }
}"""
    + _FIELDS
)

DEPOSER = (
    """mutation Deposer($input: DossierDeposerInput!) {
  dossierDeposer(input: $input) { dossier { ...DossierFields } errors { message } }
}"""
    + _FIELDS
)

PAIEMENT = (
    """mutation Paiement($input: DossierDemanderPaiementInput!) {
  dossierDemanderPaiement(input: $input) { dossier { ...DossierFields } errors { message } }
}"""
    + _FIELDS
)
