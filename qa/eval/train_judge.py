"""``python -m qa.eval.train_judge`` (``make judge``): fit the answerability judge and write its model file.

Asks the training questions of ``qa.eval.answerability`` (the training fold of the CMRC trial set in
the half and redacted corpora, and set A of the news-page questions), keeps the drafts the rules
and the fact checks pass (only those need a confidence), and fits a logistic regression from their features
(``qa.answering.features``) to whether the draft holds a gold answer. The raw probabilities are
then calibrated by isotonic regression fitted on 5-fold out-of-fold predictions, so the
calibration is not fitted on answers the regression has seen. Deterministic: the same records give
the same file (liblinear / lbfgs without randomness, folds in order, numbers rounded).
"""

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np

from qa.answering.features import FEATURES
from qa.answering.judge import MODEL_FILE, ConfidenceModel

logger = logging.getLogger(__name__)

# Inverse regularisation strength: mild, the features are few and the training answers about three thousand.
REGULARISATION_C = 1.0
FOLDS = 5
DIGITS = 6
CERTAINTY = (0.01, 0.99)


def training_rows(records: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of the training records whose draft the rules pass."""
    rows = [r for r in records if r["split"] == "train" and r["rule"] is None and not r["check"] and r["features"]]
    if not rows:
        raise ValueError("no training records with a draft the rules pass")
    x = np.array([[r["features"][name] for name in FEATURES] for r in rows], dtype=float)
    y = np.array([1 if r["right"] else 0 for r in rows], dtype=int)
    return x, y


def fit(x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """The model file's content: standardisation, regression weights, calibration points."""
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold, cross_val_predict

    if len(set(y.tolist())) < 2:
        raise ValueError(f"training labels must hold both right and wrong answers, got only {set(y.tolist())}")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    regression = LogisticRegression(C=REGULARISATION_C, max_iter=2000)
    folds = KFold(n_splits=FOLDS, shuffle=False)
    out_of_fold = cross_val_predict(regression, z, y, cv=folds, method="predict_proba")[:, 1]
    # Never quite 0 or 1: a few hundred answers cannot show that an answer is certainly right or wrong.
    calibration = IsotonicRegression(y_min=CERTAINTY[0], y_max=CERTAINTY[1], out_of_bounds="clip").fit(out_of_fold, y)
    regression.fit(z, y)
    return {
        "about": "answerability judge (qa/answering/judge.py); rebuilt by `make judge` (qa/eval/train_judge.py)",
        "trained_on": {"answers": int(len(y)), "right": int(y.sum())},
        "features": list(FEATURES),
        "mean": np.round(mean, DIGITS).tolist(),
        "scale": np.round(scale, DIGITS).tolist(),
        "coef": np.round(regression.coef_[0], DIGITS).tolist(),
        "intercept": round(float(regression.intercept_[0]), DIGITS),
        "calibration": {
            "x": np.round(calibration.X_thresholds_, DIGITS).tolist(),
            "y": np.round(calibration.y_thresholds_, DIGITS).tolist(),
        },
    }


def write_model(model: dict[str, Any], path: Path = MODEL_FILE) -> None:
    path.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _collect_training(args: argparse.Namespace) -> list[dict[str, Any]]:
    from qa.answering.judge import Judge
    from qa.answering.service import QAService
    from qa.embedders.cached import DiskCachedEmbedder
    from qa.embedders.factory import embedder_from_settings
    from qa.eval.answerability import EvalCorpus, collect, half_corpora, news_corpus, redacted_corpus
    from qa.eval.squad import load_squad
    from qa.settings import Settings
    from qa.text.segmentation import Tokenizer, term_weight

    settings = Settings()
    evalset = load_squad(args.squad)
    corpora = [*half_corpora(evalset), redacted_corpus(evalset), news_corpus(args.pages)]
    corpora = [EvalCorpus(c.name, c.articles, [p for p in c.probes if p.split == "train"]) for c in corpora]
    embedder = embedder_from_settings(settings)
    tokenizer = Tokenizer()
    judge = Judge.bundled(term_weight, 0.0)  # the features do not depend on the model being fitted
    return collect(
        corpora,
        DiskCachedEmbedder(embedder, args.cache_dir),
        tokenizer,
        settings.chunk_size,
        settings.chunk_overlap,
        lambda data: QAService(data, embedder, tokenizer, settings.candidates, judge=judge),
    )


def main(argv: list[str] | None = None) -> int:
    from qa.eval.__main__ import DEFAULT_CACHE, DEFAULT_SQUAD
    from qa.eval.near_miss_pages import DEFAULT_PAGES

    parser = argparse.ArgumentParser(prog="python -m qa.eval.train_judge", description=__doc__.split("\n")[0])
    parser.add_argument("--squad", type=Path, default=DEFAULT_SQUAD, help="SQuAD-style file (default: %(default)s)")
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="news pages folder (default: %(default)s)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help="chunk vector cache (%(default)s)")
    parser.add_argument("--records", type=Path, help="fit on these JSON Lines records instead of asking again")
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help="model file to write (default: %(default)s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.records:
        records = [json.loads(line) for line in args.records.read_text(encoding="utf-8").splitlines() if line]
    else:
        records = _collect_training(args)
    try:
        x, y = training_rows(records)
        model = fit(x, y)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write_model(model, args.out)
    weights = ", ".join(f"{name} {w:+.2f}" for name, w in zip(model["features"], model["coef"]))
    print(f"{args.out}: {len(y)} answers ({int(y.sum())} right); weights: {weights}")
    print(training_curve(records, ConfidenceModel.load(args.out)))
    return 0


def training_curve(records: list[dict[str, Any]], model: "ConfidenceModel") -> str:
    """Refusals on the training questions at several refusal points: where to put QA_MIN_CONFIDENCE."""
    rows = [r for r in records if r["split"] == "train"]
    answerable = [r for r in rows if r["kind"] == "answerable"]
    other = [r for r in rows if r["kind"] != "answerable"]
    lines = ["QA_MIN_CONFIDENCE | answerable refused | right answers lost | unanswerable refused (training questions)"]
    for threshold in (-1.0, 0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):

        def refused(r: dict[str, Any], t: float = threshold) -> bool:
            if t < 0:  # the composer's rules alone, before the judge
                return r["rule"] is not None
            gated = r["rule"] is not None or bool(r["check"]) or not r["features"]
            return gated or model.probability(r["features"]) < t

        lost = sum(r["right"] and refused(r) for r in answerable) / len(answerable)
        label = "rules only" if threshold < 0 else f"{threshold:.2f}"
        lines.append(
            f"{label} | {sum(map(refused, answerable)) / len(answerable):.3f} | {lost:.3f} "
            f"| {sum(map(refused, other)) / len(other):.3f}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
