// The bench's side-by-side: Apollo Server 5 (graphql-js) serving the same company query as
// hub-gateway, from the same API Entreprise sandbox, with the same parameters and bearer token,
// each établissement's upstream answer kept in memory once read (as the warm gateway does).
// Started by bench/side_by_side.py with SANDBOX_URL, UPSTREAM_TOKEN, UPSTREAM_PARAMS and PORT.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

const sandbox = process.env.SANDBOX_URL;
const token = process.env.UPSTREAM_TOKEN;
const params = new URLSearchParams(JSON.parse(process.env.UPSTREAM_PARAMS));
const port = Number(process.env.PORT);

const typeDefs = `#graphql
  type Naf { code: String! label: String }
  type Address { city: String postalCode: String departmentCode: String }
  type Company {
    siret: String!
    name: String
    naf: Naf
    address: Address
    active: Boolean!
  }
  type Query { company(siret: String!): Company }
`;

const etablissements = new Map(); // SIRET -> Promise of the parsed établissement

async function fetchEtablissement(siret) {
  const url = `${sandbox}/v3/insee/sirene/etablissements/${siret}?${params}`;
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: "application/json" },
  });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`API Entreprise answered ${response.status}`);
  return (await response.json()).data;
}

function etablissement(siret) {
  let found = etablissements.get(siret);
  if (found === undefined) {
    found = fetchEtablissement(siret);
    found.catch(() => etablissements.delete(siret)); // a failure is not kept
    etablissements.set(siret, found);
  }
  return found;
}

function unitName(unit) {
  const company = unit?.personne_morale_attributs?.raison_sociale;
  if (company) return company;
  const person = unit?.personne_physique_attributs ?? {};
  const first = person.prenom_usuel || person.prenom_1;
  const last = person.nom_usage || person.nom_naissance;
  return [first, last].filter(Boolean).join(" ") || null;
}

function departmentOf(commune) {
  if (typeof commune !== "string" || commune.length !== 5) return null;
  const code = commune.toUpperCase();
  return code.startsWith("97") ? code.slice(0, 3) : code.slice(0, 2);
}

const resolvers = {
  Query: {
    company: (_, { siret }) => etablissement(siret),
  },
  Company: {
    name: (data) => unitName(data.unite_legale),
    naf: (data) =>
      data.activite_principale?.code
        ? { code: data.activite_principale.code, label: data.activite_principale.libelle ?? null }
        : null,
    address: (data) => ({
      city: data.adresse?.libelle_commune ?? null,
      postalCode: data.adresse?.code_postal ?? null,
      departmentCode: departmentOf(data.adresse?.code_commune),
    }),
    active: (data) => data.etat_administratif === "A",
  },
};

const server = new ApolloServer({ typeDefs, resolvers });
const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port } });
console.log(`apollo ready at ${url}`);
