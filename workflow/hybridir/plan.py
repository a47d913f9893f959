"""The experiment plan: which runs exist and what each one is called.

A run is one model evaluated per encoder: a training run (strategy, alpha for hybrid, seed) or
the untrained encoder (`zero_shot`). Its name is its folder under results/train and
results/evaluate; `Run.name` writes it and `Run.parse` reads it, nowhere else.
"""

import re
from dataclasses import dataclass

ZERO_SHOT = "zero_shot"
STRATEGIES = ("en_en", "x_x", "x_x_mixed", "x_y", "hybrid")
ALPHA_STRATEGIES = ("hybrid",)
STRATEGY_ORDER = (ZERO_SHOT, *STRATEGIES)
_STRATEGY = "|".join(STRATEGIES)
RUN_PATTERN = rf"(?:{_STRATEGY})(?:-a[0-9.]+)?-s\d+|{ZERO_SHOT}"
_RUN = re.compile(rf"^(?P<strategy>{_STRATEGY})(?:-a(?P<alpha>[0-9.]+))?-s(?P<seed>\d+)$")


@dataclass(frozen=True)
class Run:
    """One evaluated model of an encoder: x_x-s42, hybrid-a0.5-s42, or zero_shot (untrained)."""

    encoder: str
    strategy: str
    alpha: float | None = None
    seed: int | None = None

    @property
    def name(self) -> str:
        """The run's folder name: x_x-s42, x_y-s42, hybrid-a0.5-s42, zero_shot."""
        if self.strategy == ZERO_SHOT:
            return ZERO_SHOT
        if self.alpha is None:
            return f"{self.strategy}-s{self.seed}"
        return f"{self.strategy}-a{self.alpha:g}-s{self.seed}"

    @property
    def trained(self) -> bool:
        return self.strategy != ZERO_SHOT

    @property
    def sort_key(self) -> tuple:
        """Report order: untrained, then strategies in STRATEGY_ORDER, by alpha, then by seed."""
        return (
            STRATEGY_ORDER.index(self.strategy),
            self.alpha if self.alpha is not None else -1.0,
            self.seed if self.seed is not None else -1,
        )

    @classmethod
    def parse(cls, encoder: str, name: str) -> "Run":
        """The run of `encoder` called `name`; a ValueError names what a run name looks like."""
        if name == ZERO_SHOT:
            return cls(encoder, ZERO_SHOT)
        match = _RUN.match(name)
        if match is None:
            raise ValueError(f"run {name!r} is neither {ZERO_SHOT!r} nor like 'x_x-s42' or 'hybrid-a0.5-s42'")
        alpha = match["alpha"]
        return cls(encoder, match["strategy"], float(alpha) if alpha else None, int(match["seed"]))
