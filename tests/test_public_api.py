"""The public face: sorted `__all__`, version from one place, the demo command."""

from __future__ import annotations

import subprocess
import sys

import wholesale_crm
from wholesale_crm import _version
from wholesale_crm.__main__ import main


def test_all_is_unique_and_importable() -> None:
    # The order (constants, classes, then functions, each sorted) is ruff's RUF022, linted.
    assert len(set(wholesale_crm.__all__)) == len(wholesale_crm.__all__)
    for name in wholesale_crm.__all__:
        assert hasattr(wholesale_crm, name), name
    assert wholesale_crm.__version__ == _version.__version__


def test_import_needs_only_the_runtime_dependencies() -> None:
    code = (
        "import sys, wholesale_crm;"
        "bad = {'pandas', 'sqlalchemy', 'numpy'} & set(sys.modules);"
        "sys.exit(f'imported {bad}' if bad else 0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_demo_prints_the_tour(capsys: object) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "wholesale-crm demo" in out
    assert "£333.34, £333.33, £333.33" in out
