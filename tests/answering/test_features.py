"""The answerability features: the same in every process (sums that do not depend on a set's order), and
what they look for in the article."""

from qa.answering.features import _named_in, _share, forms
from qa.answering.slots import Slot
from qa.text.segmentation import Tokenizer, specificity


def test_a_coverage_share_does_not_depend_on_the_order_of_the_question_words():
    # A set of words iterates in an order that follows the hash seed; float sums depend on that order
    # ((0.1 + 0.2) + 0.3 != (0.3 + 0.2) + 0.1), and a tie between two sentences then breaks differently
    # in two processes.
    forward = {"甲": 0.1, "乙": 0.2, "丙": 0.3}
    backward = dict(reversed(list(forward.items())))
    assert (0.1 + 0.2) + 0.3 != (0.3 + 0.2) + 0.1
    assert _share(forward, "甲丙") == _share(backward, "甲丙")
    assert _share(forward, "甲乙丙") == 1.0


def test_a_word_jieba_glued_to_a_particle_is_found_without_it():
    # jieba does not know 刘七 and glues the 是 after it: 刘七是 | 死.
    assert Tokenizer().tokens("刘七是怎么死的？")[0] == "刘七是"
    article = "刘六投水自尽，最后刘七中箭落水死。刘七死后，余部溃散。"
    assert forms("刘七是") == ["刘七是", "刘七"]
    assert forms("以兆康苑") == ["以兆康苑", "兆康苑"]
    assert forms("刘七") == ["刘七"]  # two characters: nothing to strip
    assert _named_in("刘七是", article) == 2
    assert _named_in("高英", article) == 0
    weights = {"刘七是": 3.0, "死": 1.0}
    assert _share(weights, article) == 0.25  # as written, only 死 is there
    assert _share(weights, article, glued=True) == 1.0


def test_a_name_jieba_guessed_is_more_specific_than_a_common_word():
    assert specificity("吕志兴") == 1.0  # not in jieba's table: a name it had to guess
    assert 0.0 < specificity("奥运") < specificity("荣智健") < 1.0
    assert specificity("的") < 0.2


def test_the_word_naming_the_kind_asked_for_is_not_looked_for():
    # 董事局主席 answers 担任什么职务 without the word 职务.
    assert Slot.of("荣智健担任什么职务？").names_kind("职务")
    assert not Slot.of("荣智健担任什么职务？").names_kind("荣智健")
    assert Slot.of("会议在什么地方召开？").names_kind("地方")
    assert not Slot.of("这个地方有多少人口？").names_kind("地方")  # a count: 地方 is the thing counted in
