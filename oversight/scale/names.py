"""French names, places and sentences that the scale data set combines into people, organizations and files.

Everything here is plain data. The builders pick from these lists with a seeded random generator, so a given
seed always produces the same data set.
"""

FIRST_NAMES = (
    "Julie", "Marc-André", "Sophie", "Karim", "Isabelle", "François", "Nathalie", "Mathieu", "Hélène", "Ève",
    "Louis", "Amina", "Catherine", "Patrick", "Olivier", "Mélanie", "Gilles", "Daniel", "Amélie", "Marie-Ève",
    "Samuel", "Geneviève", "Karine", "Stéphane", "Nadia", "Rachel", "Jean-Philippe", "Annie", "Marie-Claude",
    "Émilie", "Alexandre", "Chantal", "Sébastien", "Valérie", "Maxime", "Josée", "Félix", "Audrey", "Yannick",
    "Léa", "Benoît", "Maude", "Jérôme", "Caroline", "Simon", "Noémie", "Frédéric", "Élise", "Vincent", "Fatima",
    "Hugo", "Myriam", "Dominic", "Sarah", "Étienne", "Aïcha", "Raphaël", "Lyne", "Thierry", "Mireille",
)  # fmt: skip

LAST_NAMES = (
    "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné",
    "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette", "Girard", "Simard",
    "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "Fournier", "Lapointe", "Leclerc", "Lefebvre",
    "Poulin", "Thibault", "St-Pierre", "Nadeau", "Martin", "Landry", "Martel", "Bédard", "Grenier", "Lessard",
    "Bernier", "Richard", "Michaud", "Hébert", "Desjardins", "Couture", "Turcotte", "Lachance", "Parent", "Blais",
    "Gosselin", "Savard", "Proulx", "Beaudoin", "Demers", "Perreault", "Benali", "Nguyen", "Diallo", "Joseph",
    "Fontaine", "Jourdain", "Vollant", "Mestokosho",
)  # fmt: skip

# Share of Québec's population in each administrative region, in percent (rounded; the builders use it as a
# weight when they place organizations).
REGION_WEIGHTS = {
    "01": 2, "02": 3, "03": 9, "04": 3, "05": 4, "06": 24, "07": 5, "08": 2, "09": 1,
    "10": 1, "11": 1, "12": 5, "13": 5, "14": 6, "15": 7, "16": 17, "17": 3,
}  # fmt: skip

# Per administrative region: (city, district shown in organization names, first three characters of the
# postal code).
DISTRICTS = {
    "01": (("Rimouski", "Rimouski", "G5L"), ("Rivière-du-Loup", "Rivière-du-Loup", "G5R")),
    "02": (("Saguenay", "Chicoutimi", "G7H"), ("Alma", "Alma", "G8B")),
    "03": (
        ("Québec", "Saint-Roch", "G1K"),
        ("Québec", "Charlesbourg", "G1H"),
        ("Baie-Saint-Paul", "Charlevoix", "G3Z"),
    ),
    "04": (("Trois-Rivières", "Trois-Rivières", "G9A"), ("Shawinigan", "Shawinigan", "G9N")),
    "05": (("Sherbrooke", "Sherbrooke", "J1H"), ("Magog", "Memphrémagog", "J1X")),
    "06": (
        ("Montréal", "Rosemont", "H1X"),
        ("Montréal", "Plateau-Mont-Royal", "H2X"),
        ("Montréal", "Verdun", "H4G"),
        ("Montréal", "Saint-Michel", "H1Z"),
        ("Montréal", "Côte-des-Neiges", "H3S"),
        ("Montréal", "Hochelaga", "H1W"),
        ("Montréal", "Montréal-Nord", "H1G"),
        ("Montréal", "Villeray", "H2R"),
    ),
    "07": (("Gatineau", "Hull", "J8X"), ("Maniwaki", "Vallée-de-la-Gatineau", "J9E")),
    "08": (("Rouyn-Noranda", "Rouyn-Noranda", "J9X"), ("Val-d’Or", "Val-d’Or", "J9P")),
    "09": (("Sept-Îles", "Sept-Îles", "G4R"), ("Baie-Comeau", "Manicouagan", "G4Z")),
    "10": (("Chibougamau", "Chibougamau", "G8P"), ("Matagami", "Matagami", "J0Y")),
    "11": (("Gaspé", "Gaspé", "G4X"), ("Les Îles-de-la-Madeleine", "Îles-de-la-Madeleine", "G4T")),
    "12": (("Lévis", "Lévis", "G6V"), ("Saint-Georges", "Beauce", "G5Y")),
    "13": (("Laval", "Chomedey", "H7N"), ("Laval", "Saint-François", "H7E"), ("Laval", "Pont-Viau", "H7G")),
    "14": (("Joliette", "Joliette", "J6E"), ("Terrebonne", "Terrebonne", "J6W"), ("Repentigny", "Repentigny", "J6A")),
    "15": (
        ("Saint-Jérôme", "Saint-Jérôme", "J7Z"),
        ("Mont-Laurier", "Hautes-Laurentides", "J9L"),
        ("Blainville", "Thérèse-De Blainville", "J7C"),
    ),
    "16": (
        ("Longueuil", "Longueuil", "J4K"),
        ("Saint-Hyacinthe", "Saint-Hyacinthe", "J2S"),
        ("Granby", "Haute-Yamaska", "J2G"),
        ("Châteauguay", "Châteauguay", "J6J"),
        ("Saint-Jean-sur-Richelieu", "Haut-Richelieu", "J3B"),
    ),
    "17": (("Drummondville", "Drummondville", "J2B"), ("Victoriaville", "Arthabaska", "G6P")),
}

STREETS = (
    "rue Principale", "rue Notre-Dame", "boulevard Saint-Joseph", "rue King Ouest", "avenue du Parc",
    "rue Saint-Jean", "boulevard René-Lévesque", "rue de la Gare", "rue Saint-Laurent", "avenue des Pins",
    "rue Wellington", "boulevard Talbot", "rue Racine", "rue du Collège", "chemin du Lac",
)  # fmt: skip

# Kinds of organizations, each with the clientele code it mostly serves.
ORGANIZATION_KINDS = (
    ("Maison des jeunes", "youth"),
    ("Carrefour jeunesse-emploi", "youth"),
    ("Centre d’action bénévole", "general-population"),
    ("Association des personnes aînées", "seniors"),
    ("Centre de femmes", "women"),
    ("Regroupement de la diversité sexuelle", "sexual-gender-diversity"),
    ("Centre d’amitié autochtone", "indigenous-peoples"),
    ("Club sportif", "sport-recreation"),
    ("Comité de parents", "school"),
    ("Maison de la famille", "general-population"),
    ("Centre communautaire", "general-population"),
    ("Association des personnes handicapées", "disabilities"),
    ("Centre d’intégration des personnes immigrantes", "ethnocultural-minorities"),
    ("Refuge et halte-accueil", "poverty-homelessness"),
    ("Corporation de loisirs", "sport-recreation"),
    ("Fondation scolaire", "school"),
)

ORGANIZATION_NAMES = (
    "L’Envol", "Le Phare", "La Passerelle", "Horizon", "Le Tremplin", "Oasis", "L’Élan", "Entre-Nous",
    "La Boussole", "Arc-en-ciel", "Le Relais", "L’Escale", "Le Pont", "Les Alliés", "La Ruche", "Contact",
    "Le Carrefour", "L’Ancrage", "Solidarité", "La Source", "Le Sentier", "L’Accueil", "Point de repère", "Cap-Espoir",
)  # fmt: skip

SIGNER_TITLES = (
    "Directrice générale",
    "Directeur général",
    "Présidente du conseil",
    "Président du conseil",
    "Coordonnatrice",
)

ACTIONS = (
    "Ateliers de prévention", "Brigade de pairs aidants", "Campagne de sensibilisation", "Formation des intervenants",
    "Programme de médiation", "Théâtre-forum", "Capsules vidéo", "Cercles de parole", "Accompagnement des victimes",
    "Trousse d’animation", "Ambassadeurs et ambassadrices", "Espace d’écoute",
)  # fmt: skip

TOPICS = (
    "contre l’intimidation", "contre la cyberintimidation", "contre la violence verbale et l’exclusion",
    "contre l’intimidation homophobe et transphobe", "contre le racisme et l’intimidation",
)  # fmt: skip

AUDIENCES = {
    "youth": "chez les jeunes de 12 à 17 ans",
    "seniors": "auprès des personnes aînées",
    "sexual-gender-diversity": "pour les jeunes de la diversité sexuelle et de genre",
    "ethnocultural-minorities": "auprès des familles immigrantes",
    "indigenous-peoples": "avec les communautés des Premières Nations",
    "poverty-homelessness": "auprès des personnes en situation d’itinérance",
    "disabilities": "avec les personnes handicapées et leurs proches",
    "women": "auprès des femmes et de leurs enfants",
    "sport-recreation": "dans les clubs sportifs et les camps de jour",
    "school": "dans les écoles primaires et secondaires",
    "general-population": "dans les milieux de vie du quartier",
}

OBJECTIVES = (
    "Outiller les participants pour reconnaître les gestes d’intimidation et y réagir.",
    "Offrir un espace sécuritaire où les victimes peuvent parler de ce qu’elles vivent.",
    "Former des pairs aidants capables d’orienter les victimes vers les ressources d’aide.",
    "Mobiliser les partenaires du milieu autour d’un plan d’action commun.",
    "Diminuer les conflits en ligne qui se poursuivent dans les lieux publics.",
    "Soutenir les témoins pour qu’ils interviennent de façon sécuritaire.",
)  # fmt: skip

IMPACTS = (
    "Les participants connaissent mieux les recours et les ressources d’aide.",
    "Les intervenants appliquent une démarche commune lorsqu’un cas est signalé.",
    "Les victimes rapportent se sentir mieux soutenues et moins isolées.",
    "Les milieux partenaires adoptent une politique de prévention.",
    "La participation aux activités se maintient après la fin du projet.",
)  # fmt: skip

APPROACHES = (
    "Des ateliers de deux heures, animés en duo, sont offerts chaque mois dans les milieux partenaires.",
    "Une formation de trois jours prépare les pairs aidants, suivie d’un accompagnement mensuel.",
    "Une campagne sur les réseaux sociaux relaie les capsules produites par les participants.",
    "Des rencontres de concertation trimestrielles réunissent les partenaires du territoire.",
    "Un suivi individuel est offert aux personnes qui en font la demande.",
)  # fmt: skip

KNOWLEDGE = (
    "Le projet s’appuie sur le plan d’action concerté pour prévenir et contrer l’intimidation.",
    "Les activités reprennent des pratiques évaluées dans les milieux scolaires québécois.",
    "Un portrait réalisé avec les partenaires en 2021 documente les besoins du milieu.",
    "La démarche s’inspire des travaux sur l’intervention par les pairs.",
)  # fmt: skip

HELP_RESOURCES = (
    "Les participants sont orientés vers Tel-jeunes, Aide Abus Aînés ou Interligne selon leur situation.",
    "Chaque activité présente les ressources d’aide locales et la ligne 811.",
    "Un aide-mémoire des ressources d’aide est remis à chaque participant.",
)  # fmt: skip

PHASES = (
    ("Préparation et concertation", "Recrutement, formation de l’équipe et planification avec les partenaires."),
    ("Réalisation des activités", "Animation des ateliers et accompagnement des participants."),
    ("Diffusion", "Partage des outils produits avec les milieux partenaires."),
    ("Bilan et pérennisation", "Évaluation des retombées et plan de suite."),
)  # fmt: skip

REVIEW_COMMENTS = {
    "fund": "Projet solide, bien ancré dans le milieu, avec des objectifs mesurables.",
    "fund_with_conditions": "Projet pertinent; le budget de promotion et le suivi des indicateurs sont à préciser.",
    "do_not_fund": "Le lien avec l’intimidation reste général et le plan d’évaluation est absent.",
}

REPORT_TEXTS = {
    "activities": "Les activités prévues pour l’année ont eu lieu comme planifié dans les milieux partenaires.",
    "indicators": "Taux de participation, nombre de signalements orientés et satisfaction des participants.",
    "difficulties": "Le recrutement a pris plus de temps que prévu au début de l’année.",
    "results": "Les objectifs du projet sont atteints; les partenaires poursuivent les activités.",
}

NOMINATION_ACTIONS = (
    "anime depuis plusieurs années des ateliers de prévention de l’intimidation dans son milieu",
    "a mis sur pied un réseau de pairs aidants dans les écoles de sa région",
    "accompagne les victimes d’intimidation vers les ressources d’aide et leurs proches",
    "a créé une campagne de sensibilisation reprise par plusieurs organismes",
)  # fmt: skip

NOMINEE_ORGANIZATIONS = (
    "École secondaire Jean-de-Brébeuf", "Travail de rue de la Haute-Ville", "Club de soccer Les Aigles",
    "Cégep régional", "Maison des jeunes du quartier", "Service de police de la Ville",
)  # fmt: skip
