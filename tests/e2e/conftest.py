"""Starts the real assistant (trained model, Rasa, action server, gateway) on free ports."""
from __future__ import annotations

import pytest

from scripts.stack import RASA_BIN, Ports, Stack, train_if_needed


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    if not (RASA_BIN / "rasa").exists():
        pytest.fail("the Rasa environment is missing: run `make setup` (or `make test`) first")
    model = train_if_needed()
    running = Stack(model=model, ports=Ports.free(), var_dir=tmp_path_factory.mktemp("var"))
    running.start(timeout=300)
    yield running
    running.stop()
