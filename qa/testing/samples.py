"""Where the checkout is, and the sample newspaper page bundled in its corpus/ with a title tests look for."""

from pathlib import Path

# The source checkout (qa/testing/ is two levels down): server.py, build_index.py and corpus/ are here.
ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CORPUS = ROOT / "corpus"
SAMPLE_PAGE = SAMPLE_CORPUS / "000_fc626205f77621de.txt"
# The article of the sample page about the Rong family's donations, which most sample questions cite.
RONG_TITLE = "赓续荣光更好为家乡发展助力添彩"
