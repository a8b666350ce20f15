"""`rasa test core` on the conversation tests in tests/stories, with the trained model."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_conversation_stories_pass(tmp_path):
    sys.path.insert(0, str(ROOT))
    from scripts.stack import model_path

    model = model_path()
    if not model.exists():
        pytest.fail(f"no trained model {model.name}: run `make train` first (make test does)")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "test", "core", "--model", str(model),
         "--stories", "tests/stories", "--endpoints", "endpoints.yml",
         "--fail-on-prediction-errors", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
             "ACTION_SERVER_URL": "http://127.0.0.1:1/webhook",
             "RASA_TRACKER_DB": str(tmp_path / "tracker.db")},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
