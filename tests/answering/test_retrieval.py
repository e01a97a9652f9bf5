from qa.answering.retrieval import reciprocal_rank_fusion


def test_rrf_rewards_agreement_and_keeps_items_from_either_list():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]], k=60)
    order = [item for item, _ in fused]
    assert order[:2] == [1, 3]
    assert set(order) == {1, 2, 3, 4}
    assert abs(dict(fused)[1] - (1 / 61 + 1 / 62)) < 1e-12


def test_rrf_of_nothing_is_empty():
    assert reciprocal_rank_fusion([[], []]) == []
