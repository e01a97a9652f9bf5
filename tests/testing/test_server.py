"""The shared server start-up (qa/testing/server.py): what it reports when a server does not come up, and
what it reads from one that does (started here with uvicorn's own command line, not server.py)."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from qa.testing.ports import free_port
from qa.testing.server import LiveServer, ServerFailed, start_server


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_server_that_exits_early_is_reported_with_its_log(tmp_path: Path):
    command = python("import sys; print('cannot open the index: disk on fire', flush=True); sys.exit(3)")
    with pytest.raises(ServerFailed, match="exited with code 3") as failure:
        start_server(tmp_path / "index", command=command, log=tmp_path / "server.log")
    assert "cannot open the index: disk on fire" in str(failure.value)


def test_a_server_that_never_answers_is_stopped_and_reported(tmp_path: Path):
    command = python("import os, time; print('pid', os.getpid(), flush=True); time.sleep(120)")
    log = tmp_path / "server.log"
    with pytest.raises(ServerFailed, match=r"did not answer /health with status 'ok' within 1.5 s") as failure:
        start_server(tmp_path / "index", command=command, log=log, timeout=1.5)
    pid = int(log.read_text().split()[1])
    assert f"pid {pid}" in str(failure.value)
    with pytest.raises(ProcessLookupError):  # terminated and reaped, not left running
        os.kill(pid, 0)


def test_a_failed_build_is_reported_with_the_builds_error(tmp_path: Path):
    with pytest.raises(ServerFailed, match="build_index.py exited with code 1") as failure:
        start_server(tmp_path / "index", corpus=tmp_path / "missing", build=True, model="hash-test")
    assert "corpus folder does not exist" in str(failure.value)


@pytest.mark.parametrize(
    ("settings", "named"),
    [({"modle": "hash-test"}, "modle"), ({"QA_MODEL": "hash-test"}, "QA_MODEL"), ({"index_dir": "x"}, "index_dir")],
)
def test_settings_are_checked_before_anything_starts(tmp_path: Path, settings: dict, named: str):
    with pytest.raises(ValueError, match=named):
        start_server(tmp_path / "index", command=python("raise SystemExit('started')"), **settings)


@pytest.mark.e2e
def test_a_server_started_by_another_command_is_waited_for_read_and_stopped(tmp_path: Path):
    """uvicorn's own command line (it does not read QA_PORT), with no index to serve yet."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "qa.api.serve:worker_app", "--port", str(port)]
    server = start_server(tmp_path / "index", command=command, port=port, ready="no_index", model="hash-test")
    with server:
        before = server.statuses()
        assert set(before) == {200}  # the /health polls of the start-up
        assert httpx.post(f"{server.base}/ask", json={"question": "荣氏家族捐了多少钱？"}).status_code == 503
        assert httpx.get(f"{server.base}/no-such-page").status_code == 404
        assert server.statuses() - before == {503: 1, 404: 1}
        assert f"Uvicorn running on http://127.0.0.1:{port}" in server.log()
    assert server.process.returncode is not None
    assert not server.log_path.exists()  # a temporary log of ours, removed


def test_statuses_refuse_a_log_without_the_access_log(tmp_path: Path):
    done = subprocess.Popen(python("pass"))
    done.wait()
    server = LiveServer("http://127.0.0.1:1", done, tmp_path / "server.log", {"QA_LOG_LEVEL": "warning"}, tmp_path)
    with pytest.raises(ValueError, match="QA_LOG_LEVEL='warning'"):
        server.statuses()
