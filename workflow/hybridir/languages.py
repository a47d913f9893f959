"""ISO 639-1 language codes, as users write them, and their NLLB-200 codes; the Tatoeba file codes
and XTREME's and XTREME-R's Tatoeba language sets."""

from hybridir.errors import ConfigError

NLLB_CODES: dict[str, str] = {
    "af": "afr_Latn",
    "am": "amh_Ethi",
    "ar": "arb_Arab",
    "az": "azj_Latn",
    "be": "bel_Cyrl",
    "bg": "bul_Cyrl",
    "bn": "ben_Beng",
    "ca": "cat_Latn",
    "cs": "ces_Latn",
    "cy": "cym_Latn",
    "da": "dan_Latn",
    "de": "deu_Latn",
    "el": "ell_Grek",
    "en": "eng_Latn",
    "es": "spa_Latn",
    "et": "est_Latn",
    "eu": "eus_Latn",
    "fa": "pes_Arab",
    "fi": "fin_Latn",
    "fr": "fra_Latn",
    "ga": "gle_Latn",
    "gl": "glg_Latn",
    "gu": "guj_Gujr",
    "ha": "hau_Latn",
    "he": "heb_Hebr",
    "hi": "hin_Deva",
    "hr": "hrv_Latn",
    "hu": "hun_Latn",
    "hy": "hye_Armn",
    "id": "ind_Latn",
    "ig": "ibo_Latn",
    "is": "isl_Latn",
    "it": "ita_Latn",
    "ja": "jpn_Jpan",
    "jv": "jav_Latn",
    "ka": "kat_Geor",
    "kk": "kaz_Cyrl",
    "km": "khm_Khmr",
    "kn": "kan_Knda",
    "ko": "kor_Hang",
    "ky": "kir_Cyrl",
    "lo": "lao_Laoo",
    "lt": "lit_Latn",
    "lv": "lvs_Latn",
    "mk": "mkd_Cyrl",
    "ml": "mal_Mlym",
    "mn": "khk_Cyrl",
    "mr": "mar_Deva",
    "ms": "zsm_Latn",
    "my": "mya_Mymr",
    "ne": "npi_Deva",
    "nl": "nld_Latn",
    "no": "nob_Latn",
    "pa": "pan_Guru",
    "pl": "pol_Latn",
    "ps": "pbt_Arab",
    "pt": "por_Latn",
    "ro": "ron_Latn",
    "ru": "rus_Cyrl",
    "si": "sin_Sinh",
    "sk": "slk_Latn",
    "sl": "slv_Latn",
    "so": "som_Latn",
    "sq": "als_Latn",
    "sr": "srp_Cyrl",
    "sv": "swe_Latn",
    "sw": "swh_Latn",
    "ta": "tam_Taml",
    "te": "tel_Telu",
    "tg": "tgk_Cyrl",
    "th": "tha_Thai",
    "tl": "tgl_Latn",
    "tr": "tur_Latn",
    "uk": "ukr_Cyrl",
    "ur": "urd_Arab",
    "uz": "uzn_Latn",
    "vi": "vie_Latn",
    "xh": "xho_Latn",
    "yo": "yor_Latn",
    "zh": "zho_Hans",
    "zu": "zul_Latn",
}


def nllb_code(lang: str) -> str:
    """The NLLB-200 code of an ISO 639-1 code; a ConfigError names the unknown code."""
    try:
        return NLLB_CODES[lang]
    except KeyError:
        raise ConfigError(
            f"language code {lang!r} has no NLLB-200 equivalent; known codes: " + ", ".join(sorted(NLLB_CODES))
        ) from None


# --- Tatoeba (XTREME, XTREME-R) --------------------------------------------------------------

# XTREME's ISO 639-1 names of LASER's Tatoeba file codes (xtreme utils_preprocess.py, tatoeba_preprocess).
LASER_CODES = {
    "af": "afr", "ar": "ara", "az": "aze", "bg": "bul", "bn": "ben", "de": "deu", "el": "ell",
    "es": "spa", "et": "est", "eu": "eus", "fa": "pes", "fi": "fin", "fr": "fra", "he": "heb",
    "hi": "hin", "hu": "hun", "id": "ind", "it": "ita", "ja": "jpn", "jv": "jav", "ka": "kat",
    "kk": "kaz", "ko": "kor", "lt": "lit", "ml": "mal", "mr": "mar", "nl": "nld", "pl": "pol",
    "pt": "por", "ro": "ron", "ru": "rus", "sw": "swh", "ta": "tam", "te": "tel", "th": "tha",
    "tl": "tgl", "tr": "tur", "uk": "ukr", "ur": "urd", "vi": "vie", "zh": "cmn",
}  # fmt: skip
# XTREME's 36 (xtreme evaluate.py, TASK2LANGS["tatoeba"]) and XTREME-R's 41 (scripts/run_tatoeba.sh).
XTREME_LANGUAGES = (
    *"ar he vi id jv tl eu ml ta te af nl de el bn hi mr".split(),
    *"ur fa fr it pt es bg ru ja ka ko th sw zh kk tr et fi hu".split(),
)
XTREME_R_LANGUAGES = (*XTREME_LANGUAGES, "az", "lt", "pl", "uk", "ro")
# the named language sets a tatoeba entry may give as its `languages`
LANGUAGE_SETS = {"xtreme": XTREME_LANGUAGES, "xtreme_r": XTREME_R_LANGUAGES}
