from qa.text.segmentation import STOPWORDS, Tokenizer, corpus_words


def test_corpus_words_are_the_short_chinese_pieces_of_titles():
    titles = ["蒂亚戈·蒙泰罗", "杨昊 (足球运动员)", "T-92 40毫米快砲", "赓续荣光更好为家乡发展助力添彩", "高英", "高英"]
    assert corpus_words(titles) == ["蒂亚戈", "蒙泰罗", "杨昊", "毫米快砲", "高英"]


def test_corpus_words_keep_names_whole():
    plain = Tokenizer()
    assert "刘七" not in plain.tokens("刘七是怎么死的？")
    named = plain.with_words(["刘七"])
    assert "刘七" in named.tokens("刘七是怎么死的？")
    assert named.user_words == ("刘七",)
    assert named.with_words(["刘七"]) is named  # nothing new: the same tokenizer
    assert "刘七" not in plain.tokens("刘七是怎么死的？")  # the original is untouched


def test_question_words_are_not_search_terms():
    tokens = Tokenizer().tokens("冰雪皇后什么时候退出了台湾市场？为什么？")
    assert "冰雪" in tokens and "台湾" in tokens
    assert not {"什么时候", "时候", "为什么", "什么"} & set(tokens)
    assert {"为什么", "时候", "哪儿"} <= STOPWORDS


def test_tokens_of_all_are_the_tokens_of_each_text(tokenizer):
    """The clause memo must not change a single token: overlapping chunks, repeats, mixed scripts."""
    from pathlib import Path

    from qa.indexing.chunking import chunk_article
    from qa.ingest.page import parse_page

    texts = []
    for path in sorted(Path("corpus").glob("*.txt")):
        for article in parse_page(path.read_text(encoding="utf-8"), path.name)[0]:
            texts += [article.title, *(chunk.text for chunk in chunk_article(article, 120, 60))]
    texts += [
        "Hello, World！ C++ 与 3.14% 的 e-mail：ＡＢＣ　全角。",
        "",
        "。。。",
        "荣氏家族",
        "荣氏家族向江南大学捐资1.1亿元",
    ]
    assert len(texts) > 40
    assert tokenizer.tokens_of_all(texts) == [tokenizer.tokens(text) for text in texts]
