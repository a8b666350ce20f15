"""Trains the model when needed and runs the three processes of the assistant.

Standard library only: used by `make run` (scripts/run.py) and by the
end-to-end tests, which start the same processes on free ports.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA_BIN = ROOT / ".venv" / "rasa" / "bin"
GATEWAY_BIN = ROOT / ".venv" / "gateway" / "bin"
MODELS_DIR = ROOT / "models"

# Everything that changes what `rasa train` produces.
TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "nlu/*.yml",
    "nlu/*.py",
    "stories/*.yml",
    "knowledge/articles/*.yml",
    "knowledge/articles.py",
    "knowledge/rasa_importer.py",
    "knowledge/english.py",
    "knowledge/english_terms.yml",
    "requirements/rasa.txt",
)


# Rasa reuses a component's trained output when the component's config and
# inputs are unchanged, but it does not look at the code of our own
# components: a changed classifier would come back from the cache as it was.
# So each version of that code (the tokenizer's English words included)
# trains with a cache of its own.
COMPONENT_CODE = ("nlu/*.py", "knowledge/english.py")


def fingerprint(patterns) -> str:
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def training_fingerprint() -> str:
    return fingerprint(TRAINING_INPUTS)


def training_cache() -> Path:
    """Rasa's cache of trained components for the current component code."""
    return ROOT / ".rasa" / f"cache-{fingerprint(COMPONENT_CODE)}"


def model_path() -> Path:
    """The model trained on the current data (it may not exist yet)."""
    return MODELS_DIR / f"model-{training_fingerprint()}.tar.gz"


def rasa_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def train_if_needed(log=print) -> Path:
    """Trains when the model for the current training data is missing."""
    target = model_path()
    if target.exists():
        log(f"model is up to date: {target.relative_to(ROOT)}")
        return target
    log("training the model (about 10 minutes on 2 cores) ...")
    started = time.monotonic()
    cache = training_cache()
    subprocess.run(
        [
            str(RASA_BIN / "rasa"), "train",
            "--config", "config.yml", "--domain", "domain.yml",
            "--data", "nlu", "stories",
            "--out", str(MODELS_DIR), "--fixed-model-name", target.name[: -len(".tar.gz")],
        ],
        cwd=ROOT, env=rasa_env(RASA_CACHE_DIRECTORY=str(cache)), check=True,
    )
    for old in MODELS_DIR.glob("model-*.tar.gz"):
        if old != target:
            old.unlink()
    for old in (ROOT / ".rasa").glob("cache*"):
        if old != cache:
            shutil.rmtree(old)
    log(f"trained {target.relative_to(ROOT)} in {time.monotonic() - started:.0f} s")
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Ports:
    gateway: int = 8080
    rasa: int = 5005
    actions: int = 5055

    @classmethod
    def free(cls) -> "Ports":
        return cls(free_port(), free_port(), free_port())


@dataclass
class Service:
    name: str
    command: list[str]
    env: dict[str, str]
    health_url: str
    log_path: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        # Own process group, so that stop() also ends the children it spawns.
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self, timeout: float = 15) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


@dataclass
class Stack:
    """The Rasa server, the action server and the gateway on the given ports."""

    model: Path
    ports: Ports
    var_dir: Path
    gateway_env: dict[str, str] = field(default_factory=dict)
    services: list[Service] = field(default_factory=list)

    def __post_init__(self) -> None:
        p, var = self.ports, self.var_dir
        logs = var / "log"
        self.services = [
            Service(
                "action server",
                [str(RASA_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions",
                 "--port", str(p.actions)],
                rasa_env(SANIC_HOST="127.0.0.1"),
                f"http://127.0.0.1:{p.actions}/health",
                logs / "actions.log",
            ),
            Service(
                "Rasa server",
                [str(RASA_BIN / "rasa"), "run", "--model", str(self.model),
                 "--interface", "127.0.0.1", "--port", str(p.rasa),
                 "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"],
                rasa_env(
                    ACTION_SERVER_URL=f"http://127.0.0.1:{p.actions}/webhook",
                    RASA_TRACKER_DB=str(var / "rasa-tracker.db"),
                ),
                f"http://127.0.0.1:{p.rasa}/",
                logs / "rasa.log",
            ),
            Service(
                "gateway",
                [str(GATEWAY_BIN / "python"), "-m", "bot"],
                {
                    **os.environ,
                    "PYTHONPATH": str(ROOT),
                    "PYTHONUNBUFFERED": "1",
                    "GATEWAY_HOST": "127.0.0.1",
                    "GATEWAY_PORT": str(p.gateway),
                    "RASA_URL": f"http://127.0.0.1:{p.rasa}",
                    "DATABASE_URL": os.environ.get("DATABASE_URL")
                    or f"sqlite:///{var / 'gateway.db'}",
                    **self.gateway_env,
                },
                f"http://127.0.0.1:{p.gateway}/healthz",
                logs / "gateway.log",
            ),
        ]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gateway}/"

    def start(self, timeout: float = 180, log=print) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        for service in self.services:
            service.start()
        deadline = time.monotonic() + timeout
        waiting = list(self.services)
        while waiting:
            for service in list(waiting):
                if service.exited():
                    self.stop()
                    raise RuntimeError(
                        f"the {service.name} stopped during start-up; see {service.log_path}"
                    )
                if service.healthy():
                    log(f"{service.name} is up ({service.health_url})")
                    waiting.remove(service)
            if time.monotonic() > deadline:
                self.stop()
                names = ", ".join(s.name for s in waiting)
                raise RuntimeError(f"not healthy after {timeout:.0f} s: {names}; see {self.var_dir / 'log'}")
            time.sleep(0.5)

    def first_exited(self) -> Service | None:
        return next((s for s in self.services if s.exited()), None)

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()

    def __enter__(self) -> "Stack":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__" and sys.argv[1:] == ["train"]:
    train_if_needed()
