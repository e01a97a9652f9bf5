"""The write path: corpus files -> articles -> chunks (``chunking``) -> vectors and term counts -> a new index
version (``build``), reusing what an earlier version holds (``previous``, ``carry_over``); admin edits of the
corpus (``corpus_edits``) applied with an update (``updates``)."""
