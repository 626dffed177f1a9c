"""Every ```python block of the docs runs, top to bottom, in one module per page."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
PAGES = sorted([*(ROOT / "docs").rglob("*.md"), ROOT / "README.md"])


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_page_examples_run(page: Path) -> None:
    # A real module, so that classes defined in an example resolve their annotations.
    name = "docs_" + re.sub(r"\W", "_", str(page.relative_to(ROOT)))
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        for number, block in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), 1):
            exec(compile(block, f"{page.name} block {number}", "exec"), module.__dict__)
    finally:
        del sys.modules[name]
