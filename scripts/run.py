"""`make run`: train when needed, start the three processes, stop them on Ctrl-C."""
from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.stack import ROOT, Ports, Stack, train_if_needed  # noqa: E402


def main() -> int:
    model = train_if_needed()
    ports = Ports(
        gateway=int(os.environ.get("GATEWAY_PORT", 8080)),
        rasa=int(os.environ.get("RASA_PORT", 5005)),
        actions=int(os.environ.get("ACTION_SERVER_PORT", 5055)),
    )
    stack = Stack(model=model, ports=ports, var_dir=ROOT / "var")
    # Ctrl-C, a plain kill and a closed terminal all end up in the finally block
    # below. Set explicitly: a shell may start us with SIGINT ignored.
    def interrupted(signum, frame):
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupted)
    started = time.monotonic()
    try:
        stack.start(log=lambda line: print(line, flush=True))
        print(f"\nAll three processes are up after {time.monotonic() - started:.0f} s.")
        print(f"Chat page: {stack.url}")
        print(f"Logs: {stack.var_dir / 'log'}/  --  press Ctrl-C to stop.\n", flush=True)
        while (stopped := stack.first_exited()) is None:
            time.sleep(1)
        print(f"The {stopped.name} stopped unexpectedly; see {stopped.log_path}. Stopping the others.")
        return 1
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    except RuntimeError as exc:
        print(f"run: {exc}", file=sys.stderr)
        return 1
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not leave orphans
        stack.stop()
        print("All processes stopped.")


if __name__ == "__main__":
    sys.exit(main())
