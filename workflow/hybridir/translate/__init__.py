"""The translate stage: NLLB-200 through CTranslate2, each unique text once per language."""
