"""Every worked case gives its expected values through `liverbot plan` (tests/data/clinical)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest

from bot.plan_command import run
from tests.conftest import load_vectors

VECTORS = load_vectors()


def plan_via_command(case: dict[str, Any] | list[dict[str, Any]]) -> Any:
    """Run `liverbot plan -` in-process on a case and parse its standard output."""
    out, err = io.StringIO(), io.StringIO()
    status = run("-", stdin=io.BytesIO(json.dumps(case).encode()), stdout=out, stderr=err)
    assert (status, err.getvalue()) == (0, "")
    return json.loads(out.getvalue())


def test_every_flagged_vector_names_its_flag() -> None:
    """A flag test that passes on any flag would let the wrong flag through (V22 on the elderly flag)."""
    assert [
        v["id"] for v in VECTORS if v.get("flags_expected") and not v.get("flags_include")
    ] == []


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    plan = plan_via_command(vector["case"])
    expected = vector["expected"]
    assert plan["child_pugh"]["points"] == expected["child_pugh"]["points"]
    assert plan["child_pugh"]["class"] == expected["child_pugh"]["class"]
    assert plan["albi"] == {**plan["albi"], **expected["albi"]}
    window = plan["window"] and {k: plan["window"][k] for k in ("earliest", "latest")}
    actual = {k: plan[k] for k in ("meld", "bclc", "decision", "approach", "contraindications")}
    assert actual == {k: expected[k] for k in actual}
    assert window == expected["window"]
    assert set(expected["rules_include"]) <= set(plan["rules"])
    if "flags_expected" in vector:
        assert bool(plan["flags"]) is vector["flags_expected"], plan["flags"]
    for start in vector.get("flags_include", []):
        assert any(flag.startswith(start) for flag in plan["flags"]), (start, plan["flags"])
    assert set(vector.get("missing_includes", [])) <= set(plan["missing"])


def test_contract_keys_present_on_every_plan() -> None:
    keys = {
        "child_pugh", "albi", "meld", "bclc", "decision", "approach", "window", "rules",
        "contraindications", "missing", "flags",
    }  # fmt: skip
    for plan in plan_via_command([v["case"] for v in VECTORS]):
        assert keys <= set(plan)


def test_real_command_plans_an_array_in_order() -> None:
    cases = [v["case"] for v in VECTORS[:3]]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "plan", "-"],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    plans = json.loads(done.stdout)
    assert [p["bclc"] for p in plans] == [v["expected"]["bclc"] for v in VECTORS[:3]]
