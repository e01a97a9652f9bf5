"""The tree ensemble the judge applies: paths, scores, contributions that add up, and bad files refused."""

import pytest

from qa.answering.trees import LEAF, Ensemble, Tree

# x0 <= 0.5 ? (x1 <= 0.2 ? -1 : +0.5) : +2; inner nodes hold the mean of their leaves (here 2 answers each).
TREE = Tree(
    feature=(0, 1, LEAF, LEAF, LEAF),
    threshold=(0.5, 0.2, 0.0, 0.0, 0.0),
    left=(1, 2, 0, 0, 0),
    right=(4, 3, 0, 0, 0),
    value=(0.5, -0.25, -1.0, 0.5, 2.0),
)


def test_an_answer_goes_left_at_the_threshold_and_right_above_it():
    assert TREE.path([0.5, 0.2]) == [0, 1, 2]
    assert TREE.path([0.5, 0.3]) == [0, 1, 3]
    assert TREE.path([0.51, 0.0]) == [0, 4]


def test_the_score_is_the_baseline_plus_the_leaves_and_the_contributions_add_up_to_it():
    trees = Ensemble(0.1, (TREE, TREE))
    x = [0.4, 0.9]
    assert trees.score(x) == pytest.approx(0.1 + 0.5 + 0.5)
    pushes = trees.contributions(x)
    assert pushes == pytest.approx([2 * (-0.25 - 0.5), 2 * (0.5 + 0.25)])
    assert trees.baseline + 2 * TREE.value[0] + sum(pushes) == pytest.approx(trees.score(x))


def test_a_tree_read_from_json_is_the_same_tree():
    assert Tree.from_json(TREE.to_json()) == TREE


def test_malformed_trees_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="same number"):
        Tree((0, LEAF), (0.5,), (1, 0), (1, 0), (0.0, 1.0))
    with pytest.raises(ValueError, match="node 0 has a child outside"):
        Tree((0, LEAF), (0.5, 0.0), (1, 0), (7, 0), (0.0, 1.0))
    with pytest.raises(ValueError, match="feature 3"):
        Ensemble(0.0, (Tree((3, LEAF, LEAF), (0.5, 0.0, 0.0), (1, 0, 0), (2, 0, 0), (0.0, 1.0, -1.0)),)).check(2)
