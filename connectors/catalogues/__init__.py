"""The aid-scheme catalogues (Régions, Bpifrance, France Num) and France Num's activators."""

from connectors.catalogues.connector import Catalogue, CatalogueConfig, CatalogueConnector

__all__ = ["Catalogue", "CatalogueConfig", "CatalogueConnector"]
