"""Compare rules for the answerability threshold on the fit data alone (never a report split
or the seed suite): pooled 5-fold held-out refusal and false refusals, the spread of the
chosen threshold over bootstrap resamples, and leave-one-source-out balanced accuracy.

    ASSISTANT_BENCHMARKS_DIR=../shared/benchmarks python scripts/threshold_rules.py runs/fit/minilm

The workdir is `fit-answerability`'s (its cached signals are read; missing ones computed)."""

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from rich.console import Console

from assistant.answering import training
from assistant.answering.answerability import FEATURES
from assistant.settings import Settings

GRID = np.linspace(0.05, 0.95, 91)
BOUND = training.MAX_FALSE_REFUSALS
Rule = Callable[[np.ndarray, np.ndarray], float]


def curves(p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """False refusals, refusals and balanced accuracy at each threshold of the grid."""
    refused = p[:, None] < GRID[None, :]
    false_refusals = refused[y == 1].mean(axis=0)
    refusals = refused[y == 0].mean(axis=0)
    return false_refusals, refusals, (refusals + 1 - false_refusals) / 2


def shipped(p: np.ndarray, y: np.ndarray) -> float:
    return training.choose_threshold(p, y)


def smoothed(p: np.ndarray, y: np.ndarray, half: int = 2) -> float:
    """The best balanced accuracy averaged over neighbouring thresholds."""
    fr, _, ba = curves(p, y)
    smooth = np.array([ba[max(0, i - half) : i + half + 1].mean() for i in range(len(GRID))])
    return float(GRID[np.argmax(np.where(fr <= BOUND, smooth, -1))])


def bagged(p: np.ndarray, y: np.ndarray, n: int = 50) -> float:
    """The shipped rule's threshold averaged over bootstrap resamples."""
    rng = np.random.default_rng(0)
    picks = [shipped(p[i], y[i]) for i in (rng.integers(0, len(y), len(y)) for _ in range(n))]
    return float(np.round(np.mean(picks), 2))


def one_se_lower(p: np.ndarray, y: np.ndarray) -> float:
    """The lowest threshold within one standard error of the best balanced accuracy."""
    fr, ref, ba = curves(p, y)
    ok = fr <= BOUND
    best = int(np.argmax(np.where(ok, ba, -1)))
    n1, n0 = (y == 1).sum(), (y == 0).sum()
    se = 0.5 * np.sqrt(ref[best] * (1 - ref[best]) / n0 + fr[best] * (1 - fr[best]) / n1)
    return float(GRID[np.where(ok & (ba >= ba[best] - se))[0].min()])


RULES: dict[str, Rule] = {
    "shipped": shipped,
    "smoothed": smoothed,
    "bagged": bagged,
    "one-SE lower": one_se_lower,
}


def main(workdir: Path) -> None:
    found = training.collect(Settings(), workdir, Console(stderr=True))
    x, y = np.asarray(found.rows), np.asarray(found.labels)
    sources = np.asarray(found.sources)
    for name, rule in RULES.items():
        model, held = training.fit_model(found.rows, found.labels, FEATURES, training.SIGNS, rule)
        answered = held >= model.threshold
        rng = np.random.default_rng(1)
        boot = [rule(held[i], y[i]) for i in (rng.integers(0, len(y), len(y)) for _ in range(50))]
        balanced = []
        for source in sorted(set(found.sources)):
            fit_on = sources != source
            other, _ = training.fit_model(
                x[fit_on].tolist(), y[fit_on].tolist(), FEATURES, training.SIGNS, rule
            )
            p = np.array(
                [other.probability(dict(zip(FEATURES, r, strict=True))) for r in x[~fit_on]]
            )
            fr, ref, ba = curves(p, y[~fit_on])
            at = int(np.argmin(np.abs(GRID - other.threshold)))
            balanced.append(ba[at])
            print(
                f"  {name} without {source}: threshold {other.threshold:.2f}, "
                f"refusal {ref[at]:.3f}, false refusals {fr[at]:.3f}"
            )
        print(
            f"{name}: threshold {model.threshold:.2f}, CV refusal {np.mean(~answered[y == 0]):.3f}"
            f" at {np.mean(~answered[y == 1]):.3f} false refusals; bootstrap threshold"
            f" {np.mean(boot):.3f} ± {np.std(boot):.3f}; leave-one-source-out balanced"
            f" accuracy {np.mean(balanced):.3f}"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
