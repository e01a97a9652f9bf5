"""Answer-quality evaluation on a SQuAD-style file: ``python -m qa.eval --squad FILE`` (see docs/EVAL.md)."""
