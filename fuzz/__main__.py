"""`python -m fuzz TARGET [libFuzzer flags]`, e.g. `python -m fuzz quick -runs=100000`.

Targets: quick, questions, buttons (fuzz/targets.py). Needs atheris (`pip install atheris`).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from fuzz.targets import TARGETS


def main() -> None:
    """Run one target under libFuzzer until it stops (a crash exits non-zero)."""
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: python -m fuzz {{{','.join(TARGETS)}}} [libFuzzer flags]")
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
