"""The settings reference, docs/settings.md, generated from the ``Settings`` class.

    python -m qa.settings_doc            # rewrite docs/settings.md (make docs)
    python -m qa.settings_doc --check    # exit 1 if docs/settings.md is not current

One row per field of ``qa.settings.Settings``, in class order: name, environment variable, type (with
the allowed range), default and description. Descriptions live in the class; edit them there and
regenerate, so the table cannot drift from the code (tests/test_settings_doc.py checks it).
"""

import argparse
import sys
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import SecretStr
from pydantic.fields import FieldInfo

from qa.settings import Settings

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "settings.md"

_TYPE_NAMES = {str: "str", int: "int", float: "float", bool: "bool", Path: "path", SecretStr: "secret str"}


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: ``|`` escaped (also in code spans), newlines as ``<br>``."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>".join(line.replace("|", "\\|") for line in lines)


def code(text: str) -> str:
    """A code span that survives backticks inside ``text``."""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def env_var(name: str, field: FieldInfo) -> str:
    """The environment variable a field is read from (prefix + name; pydantic-settings ignores case)."""
    if isinstance(field.validation_alias, str):
        return field.validation_alias.upper()
    return f"{Settings.model_config.get('env_prefix', '')}{field.alias or name}".upper()


def type_name(annotation: Any) -> str:
    """``int``, ``path``, ``str`` for ``str | None`` (the default says unset), choices for a ``Literal``."""
    origin = get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(code(str(choice)) for choice in get_args(annotation))
    if origin in (Union, types.UnionType):
        parts = [arg for arg in get_args(annotation) if arg is not type(None)]
        return " or ".join(type_name(arg) for arg in parts)
    if origin is list:
        (item,) = get_args(annotation) or (str,)
        return f"list of {type_name(item)}"
    return _TYPE_NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)))


def bounds(field: FieldInfo) -> str:
    """The allowed range the constraints give: ``1 to 65535``, ``> 0, ≤ 600``, ``≥ 2``, ``at least 1 character``."""
    found: dict[str, Any] = {}
    for item in field.metadata:
        for attribute in ("ge", "gt", "le", "lt", "min_length"):
            if getattr(item, attribute, None) is not None:
                found[attribute] = getattr(item, attribute)
    if "ge" in found and "le" in found:
        parts = [f"{found['ge']} to {found['le']}"]
    else:
        symbols = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
        parts = [f"{symbol} {found[key]}" for key, symbol in symbols.items() if key in found]
    if "min_length" in found:
        count = found["min_length"]
        parts.append(f"at least {count} character{'' if count == 1 else 's'}")
    return ", ".join(parts)


def default(field: FieldInfo) -> str:
    """The default as it would be written in the environment: unset, empty, ``true``, ``corpus``..."""
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return code("true" if value else "false")
    if value == "" or value == []:
        return "empty"
    if isinstance(value, list):
        return code(",".join(str(item) for item in value))
    return code(str(value))


def rows() -> list[list[str]]:
    """One row per setting: name, environment variable, type, default, description."""
    table = []
    for name, field in Settings.model_fields.items():
        kind = type_name(field.annotation)
        limits = bounds(field)
        table.append(
            [
                code(name),
                code(env_var(name, field)),
                f"{kind} ({limits})" if limits else kind,
                default(field),
                field.description or "",
            ]
        )
    return table


def render() -> str:
    """The whole of docs/settings.md."""
    config = Settings.model_config
    prefix = config.get("env_prefix", "")
    env_file = config.get("env_file")
    header = ["setting", "environment variable", "type", "default", "description"]
    lines = [
        "# Settings",
        "",
        "<!-- Generated from the Settings class (qa/settings.py) by `make docs` (python -m qa.settings_doc).",
        "     Do not edit by hand: change the class and run `make docs`. -->",
        "",
        "Every setting of the service and the build is a field of `Settings` in `qa/settings.py`, read",
        f"from the environment variable `{prefix}` + its name (any case)"
        + (f", or from a `{env_file}` file in the working directory." if env_file else "."),
        "The server, `build_index.py` and `python -m qa.eval` read them alike.",
        "",
        "```sh",
        f"{prefix}PORT=9000 {prefix}LOG_LEVEL=debug .venv/bin/python server.py",
        "```",
        "",
        'Booleans are `true` / `false` (also `1` / `0`); "unset" means the variable is not set at all.',
        "Where each setting matters: [operations](operations.md), [scaling](scaling.md), [chat](chat.md),",
        "[the HTTP API](api.md).",
        "",
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    lines += ["| " + " | ".join(cell(text) for text in row) + " |" for row in rows()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write docs/settings.md from the Settings class.")
    parser.add_argument("--out", type=Path, default=DOC_PATH, help="file to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only check that the file is current (exit 1 if not)")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is not current: run `make docs`", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(Settings.model_fields)} settings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
