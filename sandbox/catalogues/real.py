"""The three real schemes of the seed documents (the published pages of the schemes, kept
beside the project, not in it), as faithfully as their pages
allow: Région Occitanie's Parcours régional Industrie du futur, Pays de la Loire
Investissement Numérique and the Chèque France Num de 500 €.

Each has its own module: ``real_industrie_du_futur.py``, ``real_investissement_numerique.py``,
``real_cheque_numerique.py``.

Rules, amounts, dates, legal references and organisations are the seeds'. The e-mails and
telephone numbers printed in the seeds belong to real people and are never copied: the
providers' and experts' contact details here are invented (``.example`` domains, fiction
telephone ranges).
"""

from __future__ import annotations

from sandbox.catalogues.real_cheque_numerique import cheque_numerique
from sandbox.catalogues.real_industrie_du_futur import industrie_du_futur
from sandbox.catalogues.real_investissement_numerique import investissement_numerique
from sandbox.catalogues.records import Scheme
from sandbox.catalogues.territories import Phones

__all__ = ["real_schemes"]


def real_schemes(phones: Phones) -> tuple[Scheme, Scheme, Scheme]:
    return industrie_du_futur(phones), investissement_numerique(phones), cheque_numerique()
