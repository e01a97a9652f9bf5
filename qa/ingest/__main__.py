"""``python -m qa.ingest FILE...``: what the parser finds in corpus files, without building."""

import sys

from qa.ingest.check import main

if __name__ == "__main__":
    sys.exit(main())
