"""MT quality on a human-translated parallel set: BLEU and chrF++ with sacrebleu's signatures and
95% intervals (sacrebleu's bootstrap over segments, seeded by sacrebleu, so runs repeat)."""

import pandas as pd
from sacrebleu.metrics import BLEU, CHRF

from hybridir.translate.engine import DecodingOptions, NllbTranslator
from hybridir.translate.translation import translate_texts

BOOTSTRAP = 1000
# sacrebleu tokenizers where whitespace does not separate words
BLEU_TOKENIZERS = {"zh": "zh", "ja": "char", "th": "char", "ko": "char"}


def reference_pairs(queries: pd.DataFrame, candidates: pd.DataFrame, source: str, target: str) -> pd.DataFrame:
    """(kind, source_text, reference) pairs: parallel questions and parallel paragraphs.

    Questions pair by question_id; paragraphs pair by paragraph_id (LAReQA keeps XQuAD's
    paragraph order, so the same id is the same paragraph in every language).
    """
    questions = _pairs(queries, "question_id", "text", source, target).assign(kind="question")
    paragraphs = candidates.drop_duplicates(["lang", "paragraph_id"])
    paragraphs = _pairs(paragraphs, "paragraph_id", "context", source, target).assign(kind="paragraph")
    return pd.concat([questions, paragraphs], ignore_index=True)[["kind", "source_text", "reference"]]


def _pairs(frame: pd.DataFrame, key: str, column: str, source: str, target: str) -> pd.DataFrame:
    src = frame.loc[frame["lang"] == source, [key, column]].rename(columns={column: "source_text"})
    ref = frame.loc[frame["lang"] == target, [key, column]].rename(columns={column: "reference"})
    return src.merge(ref, on=key).sort_values(key, ignore_index=True)


def interval(metric: BLEU | CHRF, hypotheses: list[str], references: list[str]) -> tuple[float, float]:
    """95% interval of a corpus score: sacrebleu's bootstrap mean plus and minus its half-width."""
    if len(hypotheses) < 2:
        score = metric.corpus_score(hypotheses, [references]).score
        return score, score
    resampled = metric.corpus_score(hypotheses, [references], n_bootstrap=BOOTSTRAP)
    return resampled._mean - resampled._ci, resampled._mean + resampled._ci


def score(hypotheses: list[str], references: list[str], lang: str) -> dict[str, object]:
    """Corpus BLEU and chrF++ of hypotheses against one reference each, with 95% intervals and signatures."""
    bleu = BLEU(tokenize=BLEU_TOKENIZERS.get(lang, "13a"))
    chrf = CHRF(word_order=2)
    bleu_score = bleu.corpus_score(hypotheses, [references])
    chrf_score = chrf.corpus_score(hypotheses, [references])
    bleu_ci, chrf_ci = interval(bleu, hypotheses, references), interval(chrf, hypotheses, references)
    return {
        "bleu": bleu_score.score,
        "bleu_ci_low": bleu_ci[0],
        "bleu_ci_high": bleu_ci[1],
        "chrf": chrf_score.score,
        "chrf_ci_low": chrf_ci[0],
        "chrf_ci_high": chrf_ci[1],
        "bleu_signature": str(bleu.get_signature()),
        "chrf_signature": str(chrf.get_signature()),
    }


def mt_quality(
    queries: pd.DataFrame,
    candidates: pd.DataFrame,
    translator: NllbTranslator,
    source: str,
    target: str,
    options: DecodingOptions,
) -> pd.DataFrame:
    """An `mt_quality` table for one target language: one row per kind of text."""
    pairs = reference_pairs(queries, candidates, source, target)
    texts = pd.DataFrame({"text_id": [f"{i:08x}" for i in range(len(pairs))], "text": pairs["source_text"]})
    translated = translate_texts(texts, translator, source, target, options)
    pairs = pairs.assign(hypothesis=translated["text"], flagged=translated["flags"].map(bool))
    rows = []
    for kind, group in pairs.groupby("kind", sort=True):
        scores = score(group["hypothesis"].tolist(), group["reference"].tolist(), target)
        rows.append(
            {"lang": target, "kind": kind, "segments": len(group), **scores, "flagged": int(group["flagged"].sum())}
        )
    return pd.DataFrame(rows)
