"""Where a training dataset's hard negatives come from (config `negatives` of a `datasets[]` or
`parallel_datasets[]` entry), and how many fetch mines per pair. Torch- and bm25s-free: the
config check and the rules ask it.

- given: the source's own (`fields.negatives`, or the triples of a `format: triples` source);
- mined: BM25 over the dataset's own passages in one language (hybridir.fetch.mining);
- none: in-batch negatives only (given ones are dropped).
Unset, a dataset with given negatives uses them and any other is mined.
"""

from collections.abc import Mapping
from typing import Any

from hybridir.errors import ConfigError

NEGATIVE_SOURCES = ("mined", "given", "none")
# negatives mined beyond training.hard_negatives for a translated dataset: the corpus keeps a
# negative only where it is usable in every language of its pair, and a spare takes the place of
# one whose translation is flagged (a spare is another pair's passage, translated anyway)
SPARES = 2


def has_given_negatives(spec: Mapping[str, Any]) -> bool:
    """Whether a dataset entry's source carries hard negatives."""
    return bool(spec.get("fields", {}).get("negatives")) or spec.get("format") == "triples"


def negatives_source(spec: Mapping[str, Any]) -> str:
    """mined, given or none: the entry's `negatives`, else given where its source has them."""
    chosen = spec.get("negatives")
    if chosen is not None:
        return chosen
    return "given" if has_given_negatives(spec) else "mined"


def negatives_to_mine(spec: Mapping[str, Any], hard_negatives: int) -> int:
    """Hard negatives fetch mines per pair of a training dataset: none unless they are mined (or
    training reads none), else `training.hard_negatives`, and SPARES more where it is translated."""
    if negatives_source(spec) != "mined" or hard_negatives == 0:
        return 0
    return hard_negatives + (SPARES if spec.get("translate", False) else 0)


def check_negatives(config: Mapping[str, Any]) -> None:
    """`negatives: given` names a dataset whose source has negatives."""
    for section in ("datasets", "parallel_datasets"):
        for i, spec in enumerate(config.get(section, [])):
            if spec.get("negatives") == "given" and not has_given_negatives(spec):
                sources = "fields.negatives" if section == "datasets" else "fields.negatives or format: triples"
                raise ConfigError(
                    f"config key {section}[{i}].negatives ({spec['name']}): given, but the entry has no "
                    f"{sources} to give them; set that, or negatives: mined (BM25) or none"
                )
