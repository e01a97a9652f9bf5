"""The answerability features are the same in every process: sums that do not depend on a set's order."""

from qa.answering.features import _share


def test_a_coverage_share_does_not_depend_on_the_order_of_the_question_words():
    # A set of words iterates in an order that follows the hash seed; float sums depend on that order
    # ((0.1 + 0.2) + 0.3 != (0.3 + 0.2) + 0.1), and a tie between two sentences then breaks differently
    # in two processes.
    forward = {"甲": 0.1, "乙": 0.2, "丙": 0.3}
    backward = dict(reversed(list(forward.items())))
    assert (0.1 + 0.2) + 0.3 != (0.3 + 0.2) + 0.1
    assert _share(forward, "甲丙") == _share(backward, "甲丙")
    assert _share(forward, "甲乙丙") == 1.0
