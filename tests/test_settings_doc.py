"""docs/settings.md is generated from the Settings class and must match it; every setting is described."""

from qa import settings_doc
from qa.settings import Settings


def test_settings_doc_is_current() -> None:
    current = settings_doc.DOC_PATH.read_text(encoding="utf-8") if settings_doc.DOC_PATH.exists() else ""
    assert current == settings_doc.render(), (
        "docs/settings.md does not match the Settings class in qa/settings.py: run `make docs` and commit the result"
    )


def test_every_setting_has_a_description() -> None:
    missing = [name for name, field in Settings.model_fields.items() if not (field.description or "").strip()]
    assert not missing, f"settings without a description (add one in qa/settings.py, then `make docs`): {missing}"


def test_every_setting_has_a_row_naming_its_variable() -> None:
    text = settings_doc.render()
    for name in Settings.model_fields:
        assert f"| `{name}` | `QA_{name.upper()}` |" in text


def test_cells_escape_pipes_and_newlines() -> None:
    assert settings_doc.cell("a|b\nc\r\nd") == "a\\|b<br>c<br>d"
    # A pipe inside a code span must be escaped too, or GitHub splits the cell there.
    assert settings_doc.cell(settings_doc.code("x|y")) == "`x\\|y`"
    assert settings_doc.code("a`b") == "`` a`b ``"


def test_check_mode_reports_a_stale_file(tmp_path, capsys) -> None:
    stale = tmp_path / "settings.md"
    stale.write_text("# Settings\n\nold table\n", encoding="utf-8")
    assert settings_doc.main(["--check", "--out", str(stale)]) == 1
    assert "run `make docs`" in capsys.readouterr().err
    assert settings_doc.main(["--out", str(stale)]) == 0
    assert settings_doc.main(["--check", "--out", str(stale)]) == 0
