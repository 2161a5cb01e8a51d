"""The mutation score of `make mutate`, per module, from mutmut's own result files.

mutmut 3 records each mutant's test exit code in `mutants/<module>.meta`: 1 (a test failed) is a
killed mutant, 0 one that survived, and timeouts, segfaults and "no tests" are counted apart. The
README's table is printed from this, so the figures are never typed by hand.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

KILLED_CODES = {1, 3}
"""pytest's exit codes that mean a test noticed the mutant (failed, or errored on it)."""
SURVIVED_CODES = {0, 5}
"""0: every test passed; 5: no test ran for the mutant (nothing covers it)."""


def tally(root: Path) -> dict[str, Counter[str]]:
    """Killed, survived and other counts per module."""
    out: dict[str, Counter[str]] = {}
    for meta in sorted(root.rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        module = str(meta.relative_to(root)).removesuffix(".meta")
        counts: Counter[str] = Counter()
        for code in codes.values():
            if code in KILLED_CODES:
                counts["killed"] += 1
            elif code in SURVIVED_CODES:
                counts["survived"] += 1
            else:
                counts["other"] += 1
        if counts:
            out[module] = counts
    return out


def main(root: Path = Path("mutants")) -> int:
    """Print the table; exit 1 when there are no results to read."""
    table = tally(root)
    if not table:
        print("no mutation results under mutants/: run `make mutate`", file=sys.stderr)
        return 1
    total: Counter[str] = Counter()
    print("| module | killed | survived | other | score |\n| --- | --- | --- | --- | --- |")
    for module, counts in table.items():
        total += counts
        print(_row(module, counts))
    print(_row("**all**", total))
    return 0


def _row(name: str, counts: Counter[str]) -> str:
    decided = counts["killed"] + counts["survived"]
    score = f"{100 * counts['killed'] / decided:.1f} %" if decided else "-"
    return f"| {name} | {counts['killed']} | {counts['survived']} | {counts['other']} | {score} |"


if __name__ == "__main__":
    sys.exit(main())
