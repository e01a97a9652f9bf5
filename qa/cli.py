"""The ``newsqa`` command: ``newsqa serve | build | check | eval``, each the same as its script or module."""

import argparse
import sys
from collections.abc import Callable

COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("qa.api.serve", "serve the HTTP API (as python server.py)"),
    "build": ("qa.indexing.cli", "update or rebuild the index from the corpus (as python build_index.py)"),
    "check": ("qa.ingest.check", "show what the parser finds in article files, without building"),
    "eval": ("qa.eval.__main__", "measure answer quality (as make eval)"),
}


def _entry(module: str) -> Callable[..., int]:
    # Imported on demand: `newsqa check` should not load FAISS or the model runtime.
    from importlib import import_module

    return import_module(module).main


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="newsqa", description="Question answering with citations over Chinese news.")
    parser.add_argument("command", choices=COMMANDS, help=" | ".join(f"{k}: {v[1]}" for k, v in COMMANDS.items()))
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the command's own options (newsqa COMMAND --help)")
    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        return 0 if argv else 2
    args = parser.parse_args(argv[:1])
    return _entry(COMMANDS[args.command][0])(argv[1:], prog=f"newsqa {args.command}")


if __name__ == "__main__":
    sys.exit(main())
