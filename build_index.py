"""Update the index from the corpus: ``python build_index.py [--full] [--corpus DIR] [--index DIR] [--ray [ADDR]]``.

The same as ``newsqa build``; the work is in ``qa.indexing.cli``."""

import sys

from qa.indexing.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="build_index.py"))
