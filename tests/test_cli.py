"""The installed ``newsqa`` command: its subcommands are the scripts and modules they name."""

import subprocess
import sys
from pathlib import Path

from qa.cli import COMMANDS, main
from qa.testing.samples import ROOT, SAMPLE_CORPUS

NEWSQA = Path(sys.executable).parent / "newsqa"


def test_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in COMMANDS)


def test_an_unknown_command_is_refused_naming_the_choices(capsys):
    try:
        main(["serv"])
    except SystemExit as exc:
        assert exc.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'serv'" in err and "serve" in err


def test_newsqa_build_builds_the_index_as_build_index_py_does(tmp_path: Path):
    env = {"QA_MODEL": "hash-test", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [str(NEWSQA), "build", "--corpus", str(SAMPLE_CORPUS), "--index", str(tmp_path / "index")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "indexed 4 articles" in done.stdout
    assert (tmp_path / "index" / "CURRENT").is_file()


def test_each_command_passes_its_options_on(capsys):
    for name in COMMANDS:
        try:
            main([name, "--help"])
        except SystemExit as exc:
            assert exc.code == 0
        assert f"usage: newsqa {name}" in capsys.readouterr().out
