"""``build_index.py --ray`` from the command line, with and without the ray extra installed."""

import importlib.util
import os
import pkgutil
import re
import subprocess
import sys

import numpy as np
import pytest

import qa
from qa.index.store import load_index
from qa.testing.samples import ROOT, SAMPLE_CORPUS

# Run in a fresh interpreter in which `import ray` fails, as it does without the extra.
WITHOUT_RAY = "import sys; sys.modules['ray'] = None\n"


def run_python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True
    )


def test_qa_imports_without_ray():
    modules = [m.name for m in pkgutil.walk_packages(qa.__path__, "qa.")]
    assert "qa.embedders.ray" in modules
    result = run_python(
        WITHOUT_RAY + "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    )
    assert result.returncode == 0, result.stderr


def test_ray_flag_without_ray_says_how_to_install(tmp_path):
    code = WITHOUT_RAY + f"import build_index; sys.exit(build_index.main(['--ray', '--index', {str(tmp_path)!r}]))"
    result = run_python(code, {"QA_MODEL": "hash-test"})
    assert result.returncode == 1
    assert "the ray extra, which is not installed: pip install -e '.[ray]'" in result.stderr
    assert not (tmp_path / "CURRENT").exists()


@pytest.mark.ray
@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="the ray extra is not installed")
def test_cli_ray_build(tmp_path):
    env = {**os.environ, "QA_MODEL": "hash-test"}
    ray_index, local_index = tmp_path / "ray", tmp_path / "local"
    command = [sys.executable, "build_index.py", "--corpus", str(SAMPLE_CORPUS)]
    result = subprocess.run(
        [*command, "--index", str(ray_index), "--ray", "--actors", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "ray: 2 actors started" in result.stdout
    assert re.search(r"embedded (\d+) of \1 chunks", result.stdout), result.stdout
    subprocess.run([*command, "--index", str(local_index)], cwd=ROOT, env=env, check=True, capture_output=True)
    ray_data, local_data = load_index(ray_index, "hash-test"), load_index(local_index, "hash-test")
    assert [c.to_dict() for c in ray_data.chunks] == [c.to_dict() for c in local_data.chunks]
    rows = range(len(local_data.chunks))
    np.testing.assert_array_equal(
        np.stack([ray_data.dense.vector(r) for r in rows]), np.stack([local_data.dense.vector(r) for r in rows])
    )
