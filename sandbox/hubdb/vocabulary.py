"""Word lists of the generated directory: departments and their towns, names, filières,
competence domains, EPCI and local platforms. Invented people; real place names."""

from __future__ import annotations

__all__ = [
    "CCI_NAMES",
    "COMMUNITY_PLACES",
    "DEPARTMENTS",
    "DOMAINS",
    "EPCI_NAMES",
    "FILIERES",
    "FIRST_NAMES",
    "INITIATIVE_LOCAL",
    "LAST_NAMES",
    "TOWNS",
]

DEPARTMENTS: dict[str, str] = {
    "09": "Ariège", "11": "Aude", "12": "Aveyron", "30": "Gard", "31": "Haute-Garonne",
    "32": "Gers", "34": "Hérault", "46": "Lot", "48": "Lozère", "65": "Hautes-Pyrénées",
    "66": "Pyrénées-Orientales", "81": "Tarn", "82": "Tarn-et-Garonne",
}  # fmt: skip
"""Code -> name of the 13 departments of Occitanie."""

TOWNS: dict[str, tuple[tuple[str, str], ...]] = {
    "09": (("Foix", "09000"), ("Pamiers", "09100"), ("Saint-Girons", "09200"),
           ("Lavelanet", "09300"), ("Tarascon-sur-Ariège", "09400"), ("Mirepoix", "09500")),
    "11": (("Carcassonne", "11000"), ("Narbonne", "11100"), ("Castelnaudary", "11400"),
           ("Limoux", "11300"), ("Lézignan-Corbières", "11200"), ("Quillan", "11500")),
    "12": (("Rodez", "12000"), ("Millau", "12100"), ("Villefranche-de-Rouergue", "12200"),
           ("Decazeville", "12300"), ("Saint-Affrique", "12400"), ("Espalion", "12500")),
    "30": (("Nîmes", "30000"), ("Alès", "30100"), ("Bagnols-sur-Cèze", "30200"),
           ("Beaucaire", "30300"), ("Uzès", "30700"), ("Le Vigan", "30120"),
           ("Sommières", "30250"), ("Vauvert", "30600")),
    "31": (("Toulouse", "31000"), ("Colomiers", "31770"), ("Blagnac", "31700"),
           ("Muret", "31600"), ("Saint-Gaudens", "31800"), ("Labège", "31670"),
           ("Tournefeuille", "31170"), ("Villefranche-de-Lauragais", "31290")),
    "32": (("Auch", "32000"), ("Condom", "32100"), ("Fleurance", "32500"),
           ("L'Isle-Jourdain", "32600"), ("Eauze", "32800"), ("Mirande", "32300")),
    "34": (("Montpellier", "34000"), ("Béziers", "34500"), ("Sète", "34200"),
           ("Lunel", "34400"), ("Agde", "34300"), ("Lodève", "34700"),
           ("Clermont-l'Hérault", "34800"), ("Castelnau-le-Lez", "34170")),
    "46": (("Cahors", "46000"), ("Figeac", "46100"), ("Gourdon", "46300"),
           ("Souillac", "46200"), ("Saint-Céré", "46400"), ("Gramat", "46500")),
    "48": (("Mende", "48000"), ("Marvejols", "48100"), ("Florac", "48400"),
           ("Langogne", "48300"), ("Saint-Chély-d'Apcher", "48200")),
    "65": (("Tarbes", "65000"), ("Lourdes", "65100"), ("Bagnères-de-Bigorre", "65200"),
           ("Lannemezan", "65300"), ("Vic-en-Bigorre", "65500"), ("Argelès-Gazost", "65400")),
    "66": (("Perpignan", "66000"), ("Canet-en-Roussillon", "66140"), ("Céret", "66400"),
           ("Prades", "66500"), ("Thuir", "66300"), ("Argelès-sur-Mer", "66700")),
    "81": (("Albi", "81000"), ("Castres", "81100"), ("Gaillac", "81600"),
           ("Mazamet", "81200"), ("Graulhet", "81300"), ("Carmaux", "81400")),
    "82": (("Montauban", "82000"), ("Castelsarrasin", "82100"), ("Moissac", "82200"),
           ("Caussade", "82300"), ("Valence", "82400"), ("Beaumont-de-Lomagne", "82500")),
}  # fmt: skip

CCI_NAMES: dict[str, tuple[str, str]] = {
    "09": ("cci-ariege", "CCI Ariège"), "11": ("cci-aude", "CCI Aude"),
    "12": ("cci-aveyron", "CCI Aveyron"), "30": ("cci-gard", "CCI du Gard"),
    "31": ("cci-toulouse-haute-garonne", "CCI Toulouse Haute-Garonne"),
    "32": ("cci-gers", "CCI Gers"), "34": ("cci-herault", "CCI Hérault"),
    "46": ("cci-lot", "CCI Lot"), "48": ("cci-lozere", "CCI Lozère"),
    "65": ("cci-hautes-pyrenees", "CCI Hautes-Pyrénées"),
    "66": ("cci-pyrenees-orientales", "CCI Pyrénées-Orientales"),
    "81": ("cci-tarn", "CCI Tarn"), "82": ("cci-tarn-et-garonne", "CCI Tarn-et-Garonne"),
}  # fmt: skip

EPCI_NAMES: tuple[tuple[str, str], ...] = (
    ("30", "Nîmes Métropole"), ("31", "Toulouse Métropole"),
    ("34", "Montpellier Méditerranée Métropole"),
    ("11", "Communauté d'agglomération du Grand Narbonne"),
    ("66", "Perpignan Méditerranée Métropole"), ("11", "Carcassonne Agglo"),
    ("32", "Grand Auch Cœur de Gascogne"), ("12", "Rodez Agglomération"),
    ("46", "Grand Cahors"), ("65", "Tarbes-Lourdes-Pyrénées"),
    ("81", "Communauté d'agglomération de l'Albigeois"), ("82", "Grand Montauban"),
    ("34", "Sète Agglopôle Méditerranée"), ("30", "Alès Agglomération"),
    ("34", "Béziers Méditerranée"), ("81", "Castres-Mazamet"), ("31", "Le Muretain Agglo"),
    ("31", "Sicoval"), ("34", "Hérault Méditerranée"), ("09", "Pays Foix-Varilhes"),
    ("30", "Communauté d'agglomération du Gard rhodanien"), ("48", "Cœur de Lozère"),
    ("81", "Gaillac Graulhet Agglo"), ("12", "Millau Grands Causses"),
    ("31", "Communauté d'agglomération du Sud-Est toulousain"),
)  # fmt: skip

COMMUNITY_PLACES: tuple[str, ...] = (
    "du Pays de Sommières", "Causses et Vallée de la Dordogne", "du Haut-Languedoc",
    "des Cévennes au Mont Lozère", "du Piémont cévenol", "de la Haute Vallée de l'Aude",
    "du Lauragais Revel Sorézois", "des Coteaux du Girou", "du Val de Garonne",
    "de la Lomagne gersoise", "du Bas-Armagnac", "de l'Astarac Arros en Gascogne",
    "du Grand Pic Saint-Loup", "du Clermontais", "des Avant-Monts", "du Lodévois et Larzac",
    "du Grand-Figeac", "du Quercy Blanc", "du Gévaudan", "de l'Aubrac lozérien",
    "du Plateau de Lannemezan", "de la Haute-Bigorre", "des Aspres", "du Conflent Canigó",
    "du Ségala Carmausin", "des Monts de Lacaune", "du Quercy Caussadais",
    "des Deux Rives", "de Couserans-Pyrénées", "des Pyrénées Cathares",
    "du Limouxin", "de la Piège Lauragais Malepère", "du Réquistanais",
    "de Conques-Marcillac", "du Pays de Salars", "de l'Uzège-Pont du Gard",
    "du Rhôny Vistre Vidourle", "des Hautes Terres d'Oc", "du Frontonnais",
    "des Hauts Tolosans", "de la Save au Touch", "du Cœur de Garonne",
    "de la Ténarèze", "d'Artagnan en Fezensac", "du Minervois au Caroux",
    "de la Vallée de l'Hérault", "du Pays de Lunel", "de la Vallée du Lot et du Vignoble",
    "du Mont Lozère", "des Terres d'Apcher-Margeride-Aubrac", "du Pays de Trie et du Magnoac",
    "des Albères, de la Côte Vermeille et de l'Illibéris", "du Vallespir", "du Tarn-Agout",
    "du Centre Tarn", "de Terres des Confluences", "de la Lomagne tarn-et-garonnaise",
)  # fmt: skip

INITIATIVE_LOCAL: tuple[tuple[str, str], ...] = (
    ("30", "Initiative Cévennes"), ("30", "Initiative Nîmes Gard"),
    ("31", "Initiative Comminges"), ("31", "Initiative Toulouse"),
    ("34", "Initiative Béziers Ouest Hérault"), ("34", "Initiative Montpellier Pic Saint-Loup"),
    ("81", "Initiative Tarn Grand Albigeois"), ("11", "Initiative Narbonne"),
    ("12", "Initiative Sud Aveyron"), ("66", "Initiative Pays Catalan"),
    ("65", "Initiative Pays de Lourdes"), ("46", "Initiative Figeac"),
)  # fmt: skip

FILIERES: tuple[str, ...] = (
    "aeronautique", "agroalimentaire", "hydrogene", "numerique", "sante", "tourisme", "btp",
    "industrie", "ess", "energies-renouvelables", "textile", "bois", "artisanat", "spatial",
    "viticulture", "nautisme", "commerce", "energie",
)  # fmt: skip
"""Filière slugs (the canonical agents use some of them: "industrie", "hydrogene"…)."""

DOMAINS: tuple[str, ...] = (
    "creation", "reprise", "financement", "export", "innovation", "rh",
    "immobilier-entreprise", "transition-numerique", "transition-ecologique", "developpement",
    "transmission", "transition-energetique",
)  # fmt: skip
"""Competence-domain slugs."""

FIRST_NAMES: tuple[str, ...] = (
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Julie", "Laura", "Marie",
    "Élodie", "Céline", "Aurélie", "Nathalie", "Isabelle", "Sandrine", "Valérie", "Émilie",
    "Pauline", "Mathilde", "Hélène", "Anaïs", "Océane", "Maëlle", "Zoé", "Agnès", "Noémie",
    "Thomas", "Nicolas", "Julien", "Maxime", "Alexandre", "Antoine", "Hugo", "Lucas",
    "Louis", "Mathieu", "Romain", "Guillaume", "Sébastien", "Jérôme", "Stéphane", "Frédéric",
    "François", "Olivier", "Laurent", "Benoît", "Cédric", "Jérémy", "Mickaël", "Raphaël",
    "Gaël", "Loïc", "Anthony", "Karim", "Yanis", "Mehdi", "Jordi", "Xavier", "Rémi",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand",
    "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
    "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard",
    "Barbier", "Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux",
    "Colin", "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud",
    "Dumas", "Lacroix", "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey",
    "Lecomte", "Carré", "Sanchez", "Fernandez", "Lopez", "Pujol", "Cazals", "Estève",
    "Castan", "Sabatier", "Bousquet", "Delmas", "Vergnes", "Azéma", "Teisseire", "Bardou",
    "de La Roque", "Saint-Martin", "N'Diaye", "Benali", "Durand",
)  # fmt: skip
