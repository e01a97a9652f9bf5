"""Bounded load on loopback while the index is updated, rebuilt and its builder killed: nothing fails.

``QA_LOAD_SECONDS`` (default 10) sets the duration; the 60-second run whose figures docs/RELIABILITY.md
quotes is ``python -m bench.load_test --seconds 60``.
"""

import os
from pathlib import Path

import pytest

from bench.load_test import run

pytestmark = pytest.mark.e2e


def test_clients_see_no_failure_while_the_index_changes_and_builds_are_killed(tmp_path: Path):
    seconds = float(os.environ.get("QA_LOAD_SECONDS", "10"))
    result = run(tmp_path, seconds=seconds, clients=8)
    print("\n" + result.summary())
    assert result.failures == []
    assert result.requests > 100 and len(result.ask_ms) > 20
    assert result.kills >= 1 and result.churn.get("API updates", 0) >= 1 and result.churn.get("full rebuilds", 0) >= 1
    assert len(result.versions_seen) >= 2
    assert result.articles_found == result.articles_expected > 300
