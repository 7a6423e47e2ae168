"""The README documents what the code does: its nomenclature is the one in analyzer/columns/."""

from pathlib import Path

from analyzer.columns import nomenclature_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_nomenclature_is_generated_from_columns():
    text = README.read_text(encoding="utf-8")
    assert nomenclature_markdown() in text, "regenerate the README nomenclature from analyzer/columns/"


def test_readme_leads_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert text.index("make demo") < text.index("## Usage")
    assert text.index("make test") < text.index("## Usage")
