"""Regenerate the README's nomenclature tables from analyzer/columns/ (tests/test_docs.py
checks they agree): python tools/regen_readme.py"""

import pathlib
import re

from analyzer.columns import nomenclature_markdown

readme = pathlib.Path(__file__).resolve().parent.parent / "README.md"
text = readme.read_text(encoding="utf-8")
start = text.index("#### Activity table (`History.activities`)")
end = start + re.search(r"\n## ", text[start:]).start() + 1
readme.write_text(text[:start] + nomenclature_markdown() + "\n" + text[end:], encoding="utf-8")
