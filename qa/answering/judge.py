"""Should a drafted answer be given? Its confidence (the chance it is right), and a reason when it is refused.

First the fact checks (the slot checks of issue 16): the question asks for a number or a date and the
sentence holds none, nor names the thing asked about; it names a period or the people, places and
titles the article never mentions. Failing one refuses with ``no_matching_fact``.

The confidence comes from gradient-boosted trees over the evidence of ``qa.answering.features``
(``qa.answering.trees``), fitted by ``python -m qa.eval.train_judge`` (``make judge``) on questions
derived from the CMRC trial set and the project's own near-miss questions, then mapped through a
calibration (Platt scaling) so that of answers given with confidence about x, about x are right (the
reliability table of ``make eval``). The fitted model is a JSON file beside this module: trees a
reader can follow, and no library needed to apply them. A draft is refused when the rules of the
composer refuse it (nothing on the topic, a named year the article lacks), when a fact check fails,
or when its confidence is below ``QA_MIN_CONFIDENCE``; the reason then names the feature the trees
held most against it. With a model, a draft the composer refuses only for covering too little of
the question (below its floor, ``MIN_PASSAGE_COVERAGE``, but above ``WEIGHED_COVERAGE``) is weighed
by the model instead: the floor alone refused right answers that say it in other words
(AGG01的实际功效 answered by 证实比青霉素有效).
"""

import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.answering.compose import (
    REASON_LOW_CONFIDENCE,
    REASON_NO_MATCHING_FACT,
    REASON_NOT_FOUND,
    Draft,
)
from qa.answering.features import FEATURES, Evidence, evidence
from qa.answering.trees import Ensemble, Tree
from qa.models import Article
from qa.text.entities import EntityTagger

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("judge_model.json")
# The refusal point when none is configured (QA_MIN_CONFIDENCE's default; see docs/EVAL.md for the curve).
DEFAULT_MIN_CONFIDENCE = 0.15
# The features that say "the article is on the topic but does not hold the fact asked": a refusal they
# weigh most against is "no_matching_fact"; one the coverage or retrieval features weigh most against is
# "not_found".
_FACT_FEATURES = frozenset(
    {
        "slot_missing",
        "slot_unit",
        "name_missing",
        "slot_unique",
        "period_sentence",
        "period_article",
        "missing_word",
        "sentence_words",
        "focus_sentence",
        "focus_article",
        "named_sentence",
        "named_article",
        "places_article",
        "post_article",
    }
)
_TOPIC_FEATURES = frozenset(
    {
        "relevance",
        "article_words",
        "article_pairs",
        "subject_article",
        "subject_repeated",
        "subject_specific",
        "title_question",
        "dense_top",
        "dense_answer",
        "dense_rank",
        "bm25_rank",
    }
)


@dataclass(frozen=True)
class ConfidenceModel:
    """Features -> gradient-boosted trees (log-odds) -> calibration (Platt scaling, as points to interpolate)."""

    features: tuple[str, ...]
    trees: Ensemble
    calibration_x: np.ndarray  # raw probabilities...
    calibration_y: np.ndarray  # ...and the share of right answers at each

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "ConfidenceModel":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            features = tuple(data["features"])
            unknown = [name for name in features if name not in FEATURES]
            if unknown:
                raise ValueError(f"unknown features {unknown}; retrain with `make judge`")
            trees = Ensemble(float(data["baseline"]), tuple(Tree.from_json(tree) for tree in data["trees"]))
            trees.check(len(features))
            model = cls(
                features,
                trees,
                np.array(data["calibration"]["x"], dtype=float),
                np.array(data["calibration"]["y"], dtype=float),
            )
        except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            raise ValueError(f"cannot read the answerability model {path}: {detail}") from None
        return model

    def _vector(self, values: dict[str, float]) -> list[float]:
        return [values[name] for name in self.features]

    def raw(self, values: dict[str, float]) -> float:
        z = self.trees.score(self._vector(values))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def probability(self, values: dict[str, float]) -> float:
        """The calibrated chance that the answer with these features is right."""
        return float(np.interp(self.raw(values), self.calibration_x, self.calibration_y))

    def contributions(self, values: dict[str, float]) -> dict[str, float]:
        """Each feature's push on the log-odds, from the trees' average (negative: held against it)."""
        return dict(zip(self.features, self.trees.contributions(self._vector(values))))


@dataclass(frozen=True)
class Verdict:
    confidence: float
    refuse: bool
    reason: str | None  # why it is refused (None when answered)
    evidence: Evidence
    failed_check: str | None = None  # the fact check that refused it (FACT_CHECKS), if one did


# Drafts the composer refuses as covering too little of the question are weighed by the model from this coverage up.
WEIGHED_COVERAGE = 0.2


# A sentence that does not name what the question asks about (share of the focus pairs) counts as not about it.
FOCUS_NAMED = 0.5


def _slot_unfilled(values: dict[str, float]) -> bool:
    """Asks for a number, amount or date; the sentence holds none of that kind, nor names the thing asked about.
    Asked with its unit or as money (多少名科考队员, 总投资多少亿元), naming only part of the thing is not enough:
    the article on the expedition's return, without its count of 名, does not answer 多少名科考队员."""
    if values["slot_missing"] != 1.0:
        return False
    named = values["focus_sentence"]
    return named < FOCUS_NAMED or (values["slot_unit"] == 1.0 and named < 1.0)


def _quantity_elsewhere(values: dict[str, float]) -> bool:
    """Asks for money or a count with its unit (进口农产品多少亿美元); the sentence names none of the thing asked
    about: its figure (中非贸易规模…3480亿美元) counts something else."""
    return values["slot_unit"] == 1.0 and values["focus_sentence"] == 0.0


def _period_absent(values: dict[str, float]) -> bool:
    """Names a period (2025年, 去年, 一季度) the article never mentions."""
    return values["period_named"] == 1.0 and values["period_article"] < 1.0


def _names_absent(values: dict[str, float]) -> bool:
    """Names a place, organisation, title or ordinal the article never mentions (北京 asked, 天津 reported). People's
    names and names the tagger only guessed are left to the confidence: they are written several ways or are
    plain words mistaken for names."""
    return values["places_article"] < 1.0


def _post_absent(values: dict[str, float]) -> bool:
    """Names a post as its head (谁被任命为民政部部长) the article names only as a deputy's (副部长) or not at all."""
    return values["post_article"] < 1.0


# Checks of the fact asked against the answer found (the slot checks). Each is precise on its own:
# on the training questions each refuses under 1% of the right answers (docs/EVAL.md has the figures).
FACT_CHECKS = {
    "slot_unfilled": _slot_unfilled,
    "quantity_elsewhere": _quantity_elsewhere,
    "period_absent": _period_absent,
    "names_absent": _names_absent,
    "post_absent": _post_absent,
}


def failed_check(values: dict[str, float]) -> str | None:
    """The first fact check ``values`` fail, or None."""
    return next((name for name, check in FACT_CHECKS.items() if check(values)), None)


class Judge:
    """Decides whether a draft is answered; holds the fitted model and the name tagger (both loaded once)."""

    def __init__(
        self,
        weight: Callable[[str], float],
        model: ConfidenceModel | None = None,
        min_confidence: float = 0.0,
        tagger: EntityTagger | None = None,
        weigh_coverage: bool | None = None,
    ) -> None:
        """``weigh_coverage``: leave low-coverage drafts to the model (default: when there is one; the training
        questions are asked with it on, so the model learns them)."""
        if not 0.0 <= min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be between 0 and 1, got {min_confidence}")
        self.weight = weight
        self.model = model
        self.min_confidence = min_confidence
        self.tagger = tagger
        self.weigh_coverage = model is not None if weigh_coverage is None else weigh_coverage

    @classmethod
    def bundled(
        cls,
        weight: Callable[[str], float],
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        weigh_coverage: bool | None = None,
    ) -> "Judge":
        """The judge with the model shipped beside this module (none: every draft the rules pass is answered)."""
        model = ConfidenceModel.load() if MODEL_FILE.exists() else None
        if model is None:
            logger.warning("no answerability model at %s: run `make judge`", MODEL_FILE)
        tagger = EntityTagger()
        tagger.warm()
        return cls(weight, model, min_confidence, tagger, weigh_coverage)

    def decide(self, draft: Draft, articles: dict[str, Article]) -> Verdict:
        found = evidence(draft, articles, self.weight, self.tagger)
        if not draft.chosen:
            return Verdict(0.0, True, draft.reason or REASON_NOT_FOUND, found)
        confidence = self.model.probability(found.values) if self.model else 1.0
        if self.rule(draft) is not None:
            return Verdict(confidence, True, draft.reason, found)
        if (check := failed_check(found.values)) is not None:
            return Verdict(confidence, True, REASON_NO_MATCHING_FACT, found, check)
        if confidence >= self.min_confidence:
            return Verdict(confidence, False, None, found)
        return Verdict(confidence, True, self._reason(found), found)

    def rule(self, draft: Draft) -> str | None:
        """The composer's refusal this judge keeps (None: the judge decides): all of them without a model; with
        one (``weigh_coverage``), all but ``not_found`` for a draft covering ``WEIGHED_COVERAGE`` of the question."""
        weighed = self.weigh_coverage and draft.reason == REASON_NOT_FOUND and draft.relevance >= WEIGHED_COVERAGE
        return None if weighed else draft.reason

    def _reason(self, found: Evidence) -> str:
        if self.model is None:
            return REASON_LOW_CONFIDENCE
        against = min(self.model.contributions(found.values).items(), key=lambda item: item[1])[0]
        if against in _FACT_FEATURES:
            return REASON_NO_MATCHING_FACT
        if against in _TOPIC_FEATURES:
            return REASON_NOT_FOUND
        return REASON_LOW_CONFIDENCE
