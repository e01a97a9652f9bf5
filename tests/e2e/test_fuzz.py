"""Property-based fuzzing of the live server from its OpenAPI schema (Schemathesis, every check).

A bounded run (``QA_FUZZ_EXAMPLES`` test cases per operation and phase, 30 by default); the larger
run whose figures docs/RELIABILITY.md quotes is ``python -m bench.fuzz_api``.
"""

import os
import re
from pathlib import Path

import pytest

from bench.fuzz_api import fuzz

pytestmark = pytest.mark.e2e


def test_fuzzing_finds_no_server_error_and_no_schema_violation(tmp_path: Path):
    examples = int(os.environ.get("QA_FUZZ_EXAMPLES", "30"))
    result = fuzz(tmp_path, examples=examples, seed=1)
    print(f"\nschemathesis: {result.summary()}")

    assert result.returncode == 0, result.output[-6000:]
    assert re.search(r"\d+ generated, \d+ passed", result.output), result.output[-3000:]
    assert result.server_errors == 0 and "Traceback" not in result.server_log, result.server_log[-4000:]
    # Every operation was exercised, the admin ones included (so they were reachable with the token).
    selected, total = re.search(r"Selected: (\d+)/(\d+)", result.output).groups()
    assert selected == total == re.search(r"Tested: (\d+)", result.output)[1], result.output[-3000:]
    assert result.requests > 300
    assert {201, 401, 404, 405, 415, 422} <= set(result.statuses)
