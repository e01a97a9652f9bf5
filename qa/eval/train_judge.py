"""``python -m qa.eval.train_judge`` (``make judge``): fit the answerability judge and write its model file.

Asks the training questions of ``qa.eval.answerability`` (the training fold of the CMRC trial set in
the half corpora of three pairings, ``BLOCKS``, and the redacted corpus, and set A of the news-page
questions), keeps the drafts the rules and the fact checks pass (only those need a confidence), and
fits gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``) from their features
(``qa.answering.features``) to whether the draft holds a gold answer: ``BAGS`` fits, each on a bootstrap
sample of the training questions, averaged. The raw probabilities are then calibrated by Platt scaling
fitted on 5-fold out-of-fold predictions (folds of questions), so the calibration is not fitted on
answers the trees have seen. The trees are written as plain lists (``qa.answering.trees``) and checked
to give scikit-learn's own scores. Deterministic: the same records give the same file (seeded samples,
folds by a hash of the question, numbers rounded).
"""

import argparse
import json
import logging
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from qa.answering.features import FEATURES
from qa.answering.judge import MODEL_FILE, ConfidenceModel
from qa.answering.trees import LEAF, Ensemble, Tree
from qa.eval.judge_report import refused as judged_refused

logger = logging.getLogger(__name__)

# The half corpora's pairings (qa.eval.answerability.half_corpora): each pairs other passages as distractors,
# so each adds its own unanswerable questions. Measured (docs/EVAL.md): with one pairing the trees learnt no
# more than a logistic regression; with three, more of the absent questions are refused at the same cost.
BLOCKS = (2, 4, 8)
# The trees: small, as the features are few and the training answers a few thousand.
TREES = {
    "max_iter": 100,
    "learning_rate": 0.1,
    "max_leaf_nodes": 8,
    "min_samples_leaf": 20,
    "early_stopping": False,
    "random_state": 0,
}
# Fits averaged (bagging). One fit's trees, and the confidence near the refusal point, changed with a few
# training answers (a feature change touching three training questions moved the test questions' absent
# refusals at QA_MIN_CONFIDENCE 0.15 from 94.3% to 92.6%); the average of fits on bootstrap samples of the
# questions (a question's answers in all corpora drawn together) is steadier and refuses more at the same
# cost (docs/EVAL.md).
BAGS = 10
FOLDS = 5
DIGITS = 6
CERTAINTY = (0.01, 0.99)
# The calibration is sampled at this many raw log-odds in [-range, range].
CALIBRATION_POINTS = 161
CALIBRATION_RANGE = 8.0


def _weighed(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The training records the model weighs: drafts the rules and the fact checks pass."""
    return [r for r in records if r["split"] == "train" and r["rule"] is None and not r["check"] and r["features"]]


def training_rows(records: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and question keys (a hash of the question) of the training records whose draft the
    rules pass. A question asked of several corpora keeps one key: it keeps one calibration fold (the
    calibration must not be fitted on an answer the trees saw in another corpus) and one bootstrap draw."""
    rows = _weighed(records)
    if not rows:
        raise ValueError("no training records with a draft the rules pass")
    x = np.array([[r["features"][name] for name in FEATURES] for r in rows], dtype=float)
    y = np.array([1 if r["right"] else 0 for r in rows], dtype=int)
    questions = np.array([zlib.crc32(r.get("question", "").encode("utf-8")) for r in rows], dtype=np.int64)
    return x, y, questions


def export_trees(model: Any, weight: float = 1.0) -> Ensemble:
    """The fitted ``HistGradientBoostingClassifier`` as plain trees, each value times ``weight`` (1/bags: the
    average of several fits is the sum of their weighted trees). Leaves keep their values (learning rate
    applied); an inner node gets the mean of the leaves under it, weighted by their training answers."""
    trees = []
    for (predictor,) in model._predictors:  # one predictor per round for two classes
        nodes = predictor.nodes
        value = [0.0] * len(nodes)
        count = [0] * len(nodes)
        for i in reversed(range(len(nodes))):  # children come after their parent
            if nodes[i]["is_leaf"]:
                value[i], count[i] = float(nodes[i]["value"]), int(nodes[i]["count"])
            else:
                left, right = int(nodes[i]["left"]), int(nodes[i]["right"])
                count[i] = count[left] + count[right]
                value[i] = (value[left] * count[left] + value[right] * count[right]) / max(count[i], 1)
        trees.append(
            Tree(
                tuple(LEAF if n["is_leaf"] else int(n["feature_idx"]) for n in nodes),
                tuple(float(n["num_threshold"]) if not n["is_leaf"] else 0.0 for n in nodes),  # exact: ties matter
                tuple(int(n["left"]) for n in nodes),
                tuple(int(n["right"]) for n in nodes),
                tuple(round(v * weight, DIGITS) for v in value),
            )
        )
    baseline = float(np.ravel(model._baseline_prediction)[0]) * weight
    return Ensemble(round(baseline, DIGITS), tuple(trees))


def average(models: list[Any]) -> Ensemble:
    """The fits' trees as one ensemble scoring their mean log-odds."""
    parts = [export_trees(model, 1 / len(models)) for model in models]
    return Ensemble(round(sum(p.baseline for p in parts), DIGITS), tuple(t for p in parts for t in p.trees))


def platt_points(raw: np.ndarray, y: np.ndarray) -> tuple[list[float], list[float]]:
    """The calibration as points (raw probability, share right) for linear interpolation: a logistic fit of the
    labels on the raw log-odds (Platt scaling) sampled densely. Smooth, unlike isotonic regression, whose few
    steps left ``QA_MIN_CONFIDENCE`` only a handful of places to cut (0.05 and 0.30 refused the same answers)."""
    from sklearn.linear_model import LogisticRegression

    def logit(p: np.ndarray) -> np.ndarray:
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))

    platt = LogisticRegression(C=1e6, max_iter=1000).fit(logit(raw)[:, None], y)
    grid = np.linspace(-CALIBRATION_RANGE, CALIBRATION_RANGE, CALIBRATION_POINTS)
    # Never quite 0 or 1: a few thousand answers cannot show that an answer is certainly right or wrong.
    shares = np.clip(platt.predict_proba(grid[:, None])[:, 1], *CERTAINTY)
    return np.round(1 / (1 + np.exp(-grid)), DIGITS).tolist(), np.round(shares, DIGITS).tolist()


def _bootstrap(questions: np.ndarray, seed: int) -> np.ndarray:
    """Row indices of a bootstrap sample of the questions: as many draws as questions, each drawn question
    bringing all its rows."""
    keys, inverse = np.unique(questions, return_inverse=True)
    drawn = np.bincount(np.random.RandomState(seed).randint(0, len(keys), len(keys)), minlength=len(keys))
    return np.repeat(np.arange(len(questions)), drawn[inverse])


def _bagged(x: np.ndarray, y: np.ndarray, questions: np.ndarray, bags: int) -> list[Any]:
    from sklearn.ensemble import HistGradientBoostingClassifier

    models = []
    for seed in range(bags):
        rows = _bootstrap(questions, seed) if bags > 1 else np.arange(len(y))
        models.append(HistGradientBoostingClassifier(**TREES).fit(x[rows], y[rows]))
    return models


def _log_odds(models: list[Any], x: np.ndarray) -> np.ndarray:
    return np.mean([model.decision_function(x) for model in models], axis=0)


def fit(x: np.ndarray, y: np.ndarray, questions: np.ndarray | None = None, bags: int = BAGS) -> dict[str, Any]:
    """The model file's content: the trees of ``bags`` fits on bootstrap samples of the questions, averaged,
    and the calibration points (calibrated on predictions for each fold of questions by fits on the others).
    ``questions``: a key per row (default: each row its own question)."""
    if len(set(y.tolist())) < 2:
        raise ValueError(f"training labels must hold both right and wrong answers, got only {set(y.tolist())}")
    questions = np.arange(len(y)) if questions is None else questions
    folds = questions % FOLDS
    out_of_fold = np.zeros(len(y))
    for fold in range(FOLDS):
        held = folds == fold
        out_of_fold[held] = _log_odds(_bagged(x[~held], y[~held], questions[~held], bags), x[held])
    raw = 1 / (1 + np.exp(-out_of_fold))
    calibration_x, calibration_y = platt_points(raw, y)
    held_out = np.interp(raw, calibration_x, calibration_y)
    models = _bagged(x, y, questions, bags)
    trees = average(models)
    ours = np.array([trees.score(row) for row in x.tolist()])
    theirs = _log_odds(models, x)
    if not np.allclose(ours, theirs, atol=1e-4):  # scikit-learn's inner layout changed: do not write a wrong model
        raise ValueError(f"the exported trees disagree with scikit-learn by {np.abs(ours - theirs).max():.2g}")
    return {
        "about": "answerability judge (qa/answering/judge.py); rebuilt by `make judge` (qa/eval/train_judge.py)",
        "trained_on": {"answers": int(len(y)), "right": int(y.sum())},
        "features": list(FEATURES),
        "calibration": {"x": calibration_x, "y": calibration_y},
        # Each training answer's confidence from the trees fitted without its question (for the curve, not written).
        "held_out": np.round(held_out, DIGITS).tolist(),
        "baseline": trees.baseline,
        "trees": [tree.to_json() for tree in trees.trees],
    }


def write_model(model: dict[str, Any], path: Path = MODEL_FILE) -> None:
    """One line per key, and per tree: a refit shows in a diff as the trees that changed."""
    lines = [f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}" for key, value in model.items()]
    lines = [line for line, key in zip(lines, model) if key != "trees"]
    trees = ",\n".join(f"  {json.dumps(tree)}" for tree in model["trees"])
    path.write_text("{\n" + ",\n".join(lines) + ',\n "trees": [\n' + trees + "\n ]\n}\n", encoding="utf-8")


def _collect_training(args: argparse.Namespace) -> list[dict[str, Any]]:
    from qa.answering.judge import Judge
    from qa.answering.service import QAService
    from qa.embedders.cached import DiskCachedEmbedder
    from qa.embedders.factory import embedder_from_settings
    from qa.eval.answerability import EvalCorpus, collect, half_corpora, news_corpus, redacted_corpus
    from qa.eval.squad import load_squad
    from qa.settings import Settings
    from qa.text.entities import EntityTagger
    from qa.text.segmentation import Tokenizer, term_weight

    settings = Settings()
    evalset = load_squad(args.squad)
    halves = [corpus for block in BLOCKS for corpus in half_corpora(evalset, block)]
    corpora = [*halves, redacted_corpus(evalset), news_corpus(args.pages)]
    corpora = [EvalCorpus(c.name, c.articles, [p for p in c.probes if p.split == "train"]) for c in corpora]
    embedder = embedder_from_settings(settings)
    tokenizer = Tokenizer()
    # No model: the features do not depend on it; low-coverage drafts are weighed, as the service weighs them.
    tagger = EntityTagger()
    tagger.warm()
    judge = Judge(term_weight, None, 0.0, tagger, weigh_coverage=True)
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
    parser.add_argument("--save-records", type=Path, help="also write the records asked, for --records later")
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help="model file to write (default: %(default)s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.records:
        records = [json.loads(line) for line in args.records.read_text(encoding="utf-8").splitlines() if line]
    else:
        records = _collect_training(args)
    if args.save_records:
        lines = (json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        args.save_records.write_text("".join(lines), encoding="utf-8")
    try:
        x, y, questions = training_rows(records)
        model = fit(x, y, questions)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    held_out = dict(zip(map(id, _weighed(records)), model.pop("held_out")))
    write_model(model, args.out)
    print(f"{args.out}: {len(y)} answers ({int(y.sum())} right); {len(model['trees'])} trees")
    print(importance_line(records, ConfidenceModel.load(args.out)))
    print(training_curve(records, lambda r: held_out.get(id(r))))
    return 0


def importance_line(records: list[dict[str, Any]], model: ConfidenceModel) -> str:
    """The features by their mean absolute push on the training answers' log-odds: what the trees weigh."""
    rows = _weighed(records)
    total = dict.fromkeys(model.features, 0.0)
    for r in rows:
        for name, push in model.contributions(r["features"]).items():
            total[name] += abs(push) / len(rows)
    ranked = sorted(total.items(), key=lambda item: -item[1])
    return "weighed most: " + ", ".join(f"{name} {push:.2f}" for name, push in ranked if push >= 0.005)


def training_curve(records: list[dict[str, Any]], confidence: Callable[[dict[str, Any]], float | None]) -> str:
    """Refusals on the training questions at several refusal points, each answer's confidence from trees fitted
    without its question (``held_out``): where to put QA_MIN_CONFIDENCE without looking at the test questions."""
    rows = [r for r in records if r["split"] == "train"]
    answerable = [r for r in rows if r["kind"] == "answerable"]
    other = [r for r in rows if r["kind"] != "answerable"]
    lines = [
        "QA_MIN_CONFIDENCE | answerable refused | right answers lost | unanswerable refused "
        "(training questions, held-out confidence)"
    ]
    for threshold in (-1.0, 0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):

        def refused(r: dict[str, Any], t: float = threshold) -> bool:
            return judged_refused({**r, "confidence": confidence(r)}, t)

        lost = sum(r["right"] and refused(r) for r in answerable) / len(answerable)
        label = "rules only" if threshold < 0 else f"{threshold:.2f}"
        lines.append(
            f"{label} | {sum(map(refused, answerable)) / len(answerable):.3f} | {lost:.3f} "
            f"| {sum(map(refused, other)) / len(other):.3f}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
