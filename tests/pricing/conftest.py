"""Make the shared builders in `pricing_world.py` importable by the pricing tests.

The suite runs with `--import-mode=importlib`, which does not put test directories on
`sys.path`; this directory goes there so `from pricing_world import ...` works.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
