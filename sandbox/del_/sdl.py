"""DEL's schema: démarches-simplifiées' public GraphQL API (the part the hub uses) and the
Région's extensions, each marked "extension" (docs/decisions.md, issue 11)."""

from __future__ import annotations

__all__ = ["SDL"]

SDL = """
scalar ISO8601DateTime
scalar ISO8601Date

enum DossierState { en_construction en_instruction accepte refuse sans_suite }

type Query {
  dossier(number: Int!): Dossier!
  demarche(number: Int!): Demarche!
  "extension: a company's dossiers across démarches, or those changed since a moment"
  dossiers(siret: String, updatedSince: ISO8601DateTime, state: DossierState, first: Int, after: String): DossierConnection!
  "extension: the dossier deposited with this idempotency key"
  dossierByIdempotencyKey(key: String!): Dossier
}

type Mutation {
  "extension: deposit a dossier (démarches-simplifiées prefills one; DEL deposits it for a company)"
  dossierDeposer(input: DossierDeposerInput!): DossierDeposerPayload
  "extension: a payment request on an accepted dossier"
  dossierDemanderPaiement(input: DossierDemanderPaiementInput!): DossierDemanderPaiementPayload
}

type Demarche {
  id: ID!
  number: Int!
  title: String!
  "extension: the scheme of the Région's catalogue"
  dispositif: String!
  dossiers(state: DossierState, updatedSince: ISO8601DateTime, first: Int, after: String): DossierConnection!
}

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
type DossierConnection { pageInfo: PageInfo! nodes: [Dossier!]! }

type Dossier {
  id: ID!
  number: Int!
  state: DossierState!
  dateDepot: ISO8601DateTime!
  datePassageEnInstruction: ISO8601DateTime
  dateTraitement: ISO8601DateTime
  dateDerniereModification: ISO8601DateTime!
  motivation: String
  usager: Profile!
  demandeur: Demandeur!
  demarche: DemarcheDescriptor!
  champs: [Champ!]!
  annotations: [Champ!]!
  messages: [Message!]!
  traitements: [Traitement!]!
  "extension"
  idempotencyKey: String
  "extension"
  paiements: [Paiement!]!
}

type Profile { id: ID! email: String! }
type DemarcheDescriptor { number: Int! title: String! }
union Demandeur = PersonneMorale | PersonnePhysique
type PersonneMorale { id: ID! siret: String! entreprise: Entreprise }
type PersonnePhysique { id: ID! nom: String! prenom: String! }
type Entreprise { raisonSociale: String siren: String! }

interface Champ { id: ID! label: String! stringValue: String }
type TextChamp implements Champ { id: ID! label: String! stringValue: String }
type DateChamp implements Champ { id: ID! label: String! stringValue: String date: ISO8601Date }
type DecimalNumberChamp implements Champ { id: ID! label: String! stringValue: String decimalNumber: Float }
type DropDownListChamp implements Champ { id: ID! label: String! stringValue: String }
type PieceJustificativeChamp implements Champ { id: ID! label: String! stringValue: String files: [File!]! }
type File { filename: String! contentType: String! byteSize: Int! createdAt: ISO8601DateTime! }

type Message { id: ID! email: String! body: String! createdAt: ISO8601DateTime! }
type Traitement { state: DossierState! dateTraitement: ISO8601DateTime! motivation: String emailAgentTraitant: String
  "extension: the annotation « Suivi » as it was set"
  suivi: String }
"extension"
type Paiement { nature: String! montant: String! etat: String! demandeLe: ISO8601DateTime! verseLe: ISO8601DateTime }

input ChampValueInput { label: String! value: String! }
input DossierDeposerInput { siret: String! dispositif: String! idempotencyKey: String! champs: [ChampValueInput!]! }
type ValidationError { message: String! }
type DossierDeposerPayload { dossier: Dossier errors: [ValidationError!] }
input FactureInput { reference: String! montant: String! acquitteeLe: ISO8601Date cachet: Boolean! signature: Boolean! }
input DossierDemanderPaiementInput { dossierNumber: Int! nature: String! montant: String! idempotencyKey: String! factures: [FactureInput!]! }
type DossierDemanderPaiementPayload { dossier: Dossier errors: [ValidationError!] }
"""
