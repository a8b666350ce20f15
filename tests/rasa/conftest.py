"""Tests of the Rasa side; they run in .venv/rasa (Python 3.10), see the Makefile."""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True, scope="session")
def fresh_rasa_cache(tmp_path_factory):
    """Models trained by the tests never reuse a component from an earlier run:
    Rasa's cache does not notice changed code in nlu/, and the tests must
    check the code as it is now."""
    os.environ["RASA_CACHE_DIRECTORY"] = str(tmp_path_factory.mktemp("rasa-cache"))
    yield
    os.environ.pop("RASA_CACHE_DIRECTORY", None)
