"""The canonical identities the seed promises (see ``sandbox/hubdb/canonical.py``)."""

LEROY = "84215637400014"
FABRE = "51234987900027"
DRONES = "79345612000013"
BIOCOSMETIQUES = "44306184100047"
ATLANTIQUE = "38271940900031"  # exists in Sirene, never registered on the hub
LEROY_PROJECT = "project-leroy-pile-hydrogene"
