"""The demo's sentence and question templates per fact and language, and the words that fill their
slots (hybridir.demo.data renders them)."""

WORDS = {
    "industry": {
        "en": ["fishing", "mining", "farming", "weaving", "tourism", "shipbuilding"],
        "de": [
            "die Fischerei",
            "der Bergbau",
            "die Landwirtschaft",
            "die Weberei",
            "der Tourismus",
            "der Schiffbau",
        ],
        "es": [
            "la pesca",
            "la minería",
            "la agricultura",
            "el tejido",
            "el turismo",
            "la construcción naval",
        ],
    },
    "festival": {
        "en": ["music", "lanterns", "bread", "boats", "kites"],
        "de": ["Musik", "Laternen", "Brot", "Booten", "Drachen"],
        "es": ["música", "linternas", "pan", "barcas", "cometas"],
    },
    "month": {
        "en": ["March", "May", "July", "September", "November"],
        "de": ["März", "Mai", "Juli", "September", "November"],
        "es": ["marzo", "mayo", "julio", "septiembre", "noviembre"],
    },
}

# fact -> language -> (statement, question); {town} and the fact's slots are filled in.
TEMPLATES = {
    "region": {
        "en": ("{town} is a town in the region of {region}.", "In which region is {town}?"),
        "de": ("{town} ist eine Stadt in der Region {region}.", "In welcher Region liegt {town}?"),
        "es": ("{town} es una ciudad de la región de {region}.", "¿En qué región está {town}?"),
    },
    "year": {
        "en": ("{town} was founded in the year {year}.", "When was {town} founded?"),
        "de": ("{town} wurde im Jahr {year} gegründet.", "Wann wurde {town} gegründet?"),
        "es": ("{town} fue fundada en el año {year}.", "¿Cuándo fue fundada {town}?"),
    },
    "population": {
        "en": ("About {population} people live in {town}.", "How many people live in {town}?"),
        "de": ("In {town} leben etwa {population} Menschen.", "Wie viele Menschen leben in {town}?"),
        "es": ("En {town} viven unas {population} personas.", "¿Cuántas personas viven en {town}?"),
    },
    "river": {
        "en": ("The river {river} flows through {town}.", "Which river flows through {town}?"),
        "de": ("Der Fluss {river} fließt durch {town}.", "Welcher Fluss fließt durch {town}?"),
        "es": ("El río {river} atraviesa {town}.", "¿Qué río atraviesa {town}?"),
    },
    "mayor": {
        "en": ("The mayor of {town} is {mayor}.", "Who is the mayor of {town}?"),
        "de": ("Die Bürgermeisterin von {town} ist {mayor}.", "Wer ist die Bürgermeisterin von {town}?"),
        "es": ("La alcaldesa de {town} es {mayor}.", "¿Quién es la alcaldesa de {town}?"),
    },
    "industry": {
        "en": ("The main industry of {town} is {industry}.", "What is the main industry of {town}?"),
        "de": (
            "Der wichtigste Wirtschaftszweig von {town} ist {industry}.",
            "Was ist der wichtigste Wirtschaftszweig von {town}?",
        ),
        "es": (
            "La principal industria de {town} es {industry}.",
            "¿Cuál es la principal industria de {town}?",
        ),
    },
    "festival": {
        "en": (
            "Every {month}, {town} celebrates a festival of {festival}.",
            "Which festival does {town} celebrate every {month}?",
        ),
        "de": (
            "Jeden {month} feiert {town} ein Fest mit {festival}.",
            "Welches Fest feiert {town} jeden {month}?",
        ),
        "es": (
            "Cada {month}, {town} celebra una fiesta de {festival}.",
            "¿Qué fiesta celebra {town} cada {month}?",
        ),
    },
    "mountain": {
        "en": (
            "The highest point near {town} is Mount {mountain}, at {height} metres.",
            "How high is Mount {mountain}?",
        ),
        "de": (
            "Der höchste Punkt bei {town} ist der Berg {mountain} mit {height} Metern.",
            "Wie hoch ist der Berg {mountain}?",
        ),
        "es": (
            "El punto más alto cerca de {town} es el monte {mountain}, con {height} metros.",
            "¿Qué altura tiene el monte {mountain}?",
        ),
    },
}
ANSWER_SLOT = {
    "region": "region",
    "year": "year",
    "population": "population",
    "river": "river",
    "mayor": "mayor",
    "industry": "industry",
    "festival": "festival",
    "mountain": "height",
}
