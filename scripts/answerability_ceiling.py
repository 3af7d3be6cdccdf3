"""How far the gate's signals can separate SQuAD's adversarial questions, on the fit data
alone (never a report split): per dataset, cross-validated AUC and refusal at 0.10 false
refusals for the shipped model and for unconstrained classifiers; then, on SQuAD, the best
end-to-end refusal (logic first, then the classifier) with false refusals <= 0.10.

    ASSISTANT_BENCHMARKS_DIR=../shared/benchmarks \
        python scripts/answerability_ceiling.py runs/fit/minilm

The workdir is `fit-answerability`'s (its cached signals are read; missing ones computed)."""

import sys
from pathlib import Path

import numpy as np
from rich.console import Console
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from assistant.answering import training
from assistant.answering.answerability import FEATURES
from assistant.settings import Settings

BOUND = 0.10
SQUAD_ANSWERABLE, SQUAD_UNANSWERABLE = 1249, 188  # the SQuAD fit split, logic's refusals included


def refusal_at(p: np.ndarray, y: np.ndarray, bound: float = BOUND) -> float:
    threshold = np.quantile(p[y == 1], bound)
    return float((p[y == 0] < threshold).mean())


def main(workdir: Path) -> None:
    found = training.collect(Settings(), workdir, Console(stderr=True))
    x, y, sources = np.asarray(found.rows), np.asarray(found.labels), np.asarray(found.sources)
    _, held = training.fit_model(
        found.rows, found.labels, FEATURES, training.SIGNS, training.choose_threshold
    )
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    free: dict[str, np.ndarray] = {}
    for name in sorted(set(found.sources)):
        m = sources == name
        print(
            f"{name}: shipped AUC {roc_auc_score(y[m], held[m]):.3f}, refusal at FR "
            f"{BOUND} {refusal_at(held[m], y[m]):.3f}"
        )
        for label, model in (
            ("logistic, no signs", LogisticRegression(max_iter=2000)),
            ("gradient boosting", HistGradientBoostingClassifier(learning_rate=0.05)),
        ):
            p = cross_val_predict(model, x[m], y[m], cv=folds, method="predict_proba")[:, 1]
            free[f"{name} {label}"] = p
            print(f"  {label}: AUC {roc_auc_score(y[m], p):.3f}, refusal {refusal_at(p, y[m]):.3f}")
    m = sources == "squad2"
    logic_fr = SQUAD_ANSWERABLE - int((y[m] == 1).sum())
    logic_refused = SQUAD_UNANSWERABLE - int((y[m] == 0).sum())
    for label, p in (
        ("shipped", held[m]),
        ("logistic, no signs", free["squad2 logistic, no signs"]),
    ):
        best = 0.0
        for t in np.unique(p):
            fr = (logic_fr + (p[y[m] == 1] < t).sum()) / SQUAD_ANSWERABLE
            if fr <= BOUND:
                best = max(best, (logic_refused + (p[y[m] == 0] < t).sum()) / SQUAD_UNANSWERABLE)
        print(f"SQuAD end to end, {label}: refusal {best:.3f} at false refusals <= {BOUND}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
