#!/usr/bin/env python3
"""Generate oracle cases for the M7 quality metrics (detectors/monitors) with scikit-learn.

Writes detectors/monitors/tests/data/quality_cases.json. Every expected value is computed here by
scikit-learn (pinned in scripts/requirements-stats.txt); the C++ tests recompute it from the same
inputs and compare to 1e-9 relative.

Usage:
    scripts/gen_quality_cases.py            # uses /work/.venv-stats (or $STATS_VENV), made if needed
    scripts/gen_quality_cases.py --no-venv  # the current interpreter (needs requirements-stats.txt)
"""
import json
import sys
from pathlib import Path

from stats_venv import ensure_venv

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "detectors" / "monitors" / "tests" / "data" / "quality_cases.json"


def classification_case(name, y, p, threshold=0.5):
    import numpy as np
    from sklearn import metrics

    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    pred = (p >= threshold).astype(int)
    expected = {
        "accuracy": metrics.accuracy_score(y, pred),
        "precision": metrics.precision_score(y, pred, zero_division=0),
        "recall": metrics.recall_score(y, pred, zero_division=0),
        "logloss": metrics.log_loss(y, p, labels=[0, 1]),
    }
    if len(set(y.tolist())) == 2:
        expected["auc"] = metrics.roc_auc_score(y, p)
    return {
        "name": name,
        "kind": "binary",
        "source": "sklearn.metrics %s: accuracy_score, precision_score, recall_score (zero_division=0) "
                  "on score >= %g; roc_auc_score; log_loss" % (__import__("sklearn").__version__, threshold),
        "threshold": threshold,
        "y_true": [int(v) for v in y],
        "score": [float(v) for v in p],
        "expected": {k: float(v) for k, v in expected.items()},
    }


def regression_case(name, y, p):
    import numpy as np
    from sklearn import metrics

    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    return {
        "name": name,
        "kind": "regression",
        "source": "sklearn.metrics %s: mean_absolute_error, sqrt(mean_squared_error)"
                  % __import__("sklearn").__version__,
        "y_true": [float(v) for v in y],
        "prediction": [float(v) for v in p],
        "expected": {
            "mae": float(metrics.mean_absolute_error(y, p)),
            "rmse": float(np.sqrt(metrics.mean_squared_error(y, p))),
        },
    }


def main():
    if "--no-venv" not in sys.argv:
        ensure_venv(__file__)
    import numpy as np

    rng = np.random.default_rng(20170101)
    cases = []
    # Scores correlated with the label, continuous (no ties).
    y = rng.integers(0, 2, 500)
    p = np.clip(0.35 * y + rng.uniform(0, 0.65, 500), 0, 1)
    cases.append(classification_case("continuous_500", y, p))
    # Two-decimal scores, as the car-loan model emits: many ties across classes.
    y = rng.integers(0, 2, 2000)
    p = np.round(np.clip(0.3 * y + rng.beta(2, 2, 2000) * 0.7, 0, 1), 2)
    cases.append(classification_case("ties_two_decimals_2000", y, p))
    # Scores of exactly 0 and 1, wrong ones included: log_loss clips to [eps, 1 - eps].
    y = np.array([1, 0, 1, 0, 1, 0, 1, 1, 0, 0])
    p = np.array([1.0, 0.0, 0.0, 1.0, 0.7, 0.2, 1.0, 0.5, 0.5, 0.0])
    cases.append(classification_case("clipped_extremes", y, p))
    # A coarse score and a decision threshold other than 0.5.
    y = rng.integers(0, 2, 300)
    p = np.round(rng.uniform(0, 1, 300) * 0.5 + 0.5 * y * rng.uniform(0, 1, 300), 1)
    cases.append(classification_case("threshold_0_3", y, p, threshold=0.3))
    # Nothing predicted positive: precision is 0 by zero_division=0.
    y = np.array([1, 0, 1, 0, 0, 1])
    p = np.array([0.1, 0.2, 0.3, 0.05, 0.4, 0.45])
    cases.append(classification_case("no_positive_predictions", y, p))
    # One class only: AUC undefined (no "auc" key), the rest defined.
    y = np.ones(20, dtype=int)
    p = rng.uniform(0, 1, 20)
    cases.append(classification_case("single_class", y, p))
    # Regression.
    y = rng.normal(100, 15, 1000)
    cases.append(regression_case("normal_1000", y, y + rng.normal(0, 5, 1000)))
    y = rng.lognormal(0, 1, 400)
    cases.append(regression_case("lognormal_biased_400", y, y * 1.1 + 0.3))

    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"generator": "scripts/gen_quality_cases.py", "cases": cases}, f, indent=None)
        f.write("\n")
    print("wrote %s (%d cases)" % (OUT, len(cases)))


if __name__ == "__main__":
    main()
