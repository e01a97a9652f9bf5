"""Gradient-boosted decision trees applied in plain Python: the answerability judge's model.

``qa.eval.train_judge`` fits scikit-learn's ``HistGradientBoostingClassifier`` and writes each tree as
plain lists (split feature, threshold, children, node value), so the service needs no scikit-learn
to apply it and a reader can follow one answer down the trees. Every node holds the mean leaf
value of the training answers under it; the step from a node to the child an answer takes is put
down to the node's feature (Saabas' attribution), so the features' contributions add up to the
score: what ``qa.answering.judge`` names as the reason for a refusal. The average of several fits
(bagging) is one ensemble too: every fit's trees, their values divided by the number of fits.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

LEAF = -1


@dataclass(frozen=True)
class Tree:
    """One tree as parallel lists, node 0 the root; ``feature`` is ``LEAF`` at a leaf. An answer goes left when
    its value of the node's feature is at most the threshold."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def __post_init__(self) -> None:
        n = len(self.feature)
        if not n or any(len(part) != n for part in (self.threshold, self.left, self.right, self.value)):
            raise ValueError("a tree needs the same number (at least one) of features, thresholds, children, values")
        for node, feature in enumerate(self.feature):
            if feature != LEAF and not (node < self.left[node] < n and node < self.right[node] < n):
                raise ValueError(f"node {node} has a child outside the tree")

    def path(self, x: Sequence[float]) -> list[int]:
        """The nodes an answer with features ``x`` passes, root to leaf."""
        node, visited = 0, [0]
        while self.feature[node] != LEAF:
            node = self.left[node] if x[self.feature[node]] <= self.threshold[node] else self.right[node]
            visited.append(node)
        return visited

    def to_json(self) -> dict[str, list]:
        return {
            "feature": list(self.feature),
            "threshold": list(self.threshold),
            "left": list(self.left),
            "right": list(self.right),
            "value": list(self.value),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Tree":
        return cls(
            tuple(int(v) for v in data["feature"]),
            tuple(float(v) for v in data["threshold"]),
            tuple(int(v) for v in data["left"]),
            tuple(int(v) for v in data["right"]),
            tuple(float(v) for v in data["value"]),
        )


@dataclass(frozen=True)
class Ensemble:
    """The sum of the trees' leaves plus a baseline: the log-odds that an answer is right."""

    baseline: float
    trees: tuple[Tree, ...]

    def check(self, features: int) -> None:
        """Raise when a tree splits on a feature index outside ``range(features)``."""
        for i, tree in enumerate(self.trees):
            bad = [f for f in tree.feature if f != LEAF and not 0 <= f < features]
            if bad:
                raise ValueError(f"tree {i} splits on feature {bad[0]}, but the model has {features} features")

    def score(self, x: Sequence[float]) -> float:
        return self.baseline + sum(tree.value[tree.path(x)[-1]] for tree in self.trees)

    def contributions(self, x: Sequence[float]) -> list[float]:
        """Each feature's push on the score (it adds up, with the baseline and the roots' values, to ``score``)."""
        pushed = [0.0] * len(x)
        for tree in self.trees:
            visited = tree.path(x)
            for parent, child in zip(visited, visited[1:]):
                pushed[tree.feature[parent]] += tree.value[child] - tree.value[parent]
        return pushed
