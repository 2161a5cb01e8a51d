"""Version-2 worked cases through `liverbot plan`: every gate and branch of safety-and-course.md.

Two sets: `vectors-v2.json` (the clinical specification's 23 cases) and `vectors-v2-independent.json` (92
cases worked out by hand from the documents alone by a reviewer who did not read the code). Each asserts
the decision, contraindications (in order), response, ART, refractoriness, transplant criteria, HAP,
clearance, window, the conditional line, whether anything must be corrected first, and the alternatives
that must and must not be offered.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import DATA
from tests.test_vectors import plan_via_command

SETS = ("vectors-v2.json", "vectors-v2-independent.json")
CASES = [
    (name, index, case)
    for name in SETS
    for index, case in enumerate(
        json.loads((DATA / "clinical" / name).read_text(encoding="utf-8"))["cases"]
    )
]
EXACT = (
    "decision", "approach", "contraindications", "response", "refractory", "art", "transplant",
    "hap", "crcl",
)  # fmt: skip


@pytest.mark.parametrize(
    ("name", "index", "vector"), CASES, ids=[f"{n.split('.')[0]}-{i}" for n, i, _ in CASES]
)
def test_v2_vector(name: str, index: int, vector: dict[str, Any]) -> None:
    plan = plan_via_command(vector["case"])
    expected = vector["expected"]
    why = vector["why"]
    assert {k: plan[k] for k in EXACT if k in expected} == {
        k: expected[k] for k in EXACT if k in expected
    }, why
    window = plan["window"] and {k: plan["window"][k] for k in ("earliest", "latest")}
    assert window == expected["window"], why
    assert (plan["conditional"] is not None) is expected["conditional"], why
    assert bool(plan["before_procedure"]) is expected["before_procedure_nonempty"], why
    offered = [a["id"] for a in plan["alternatives"]]
    assert set(expected.get("alternatives_include", [])) <= set(offered), why
    assert not set(expected.get("alternatives_exclude", [])) & set(offered), why


def test_the_sets_cover_every_gate_and_stop_rule() -> None:
    """A gate without a worked case would be untested against the specification."""
    named = {c for _, _, v in CASES for c in v["expected"]["contraindications"]}
    assert named >= {
        "child_pugh_c", "ecog_3_4", "jaundice", "overt_encephalopathy", "refractory_ascites",
        "infiltrative_tumour", "main_trunk_pvtt_without_collaterals", "renal_insufficiency",
        "tace_refractory", "art_score_high",
    }  # fmt: skip
    assert len(CASES) >= 40 + 23


def test_every_version_2_key_is_on_every_plan() -> None:
    keys = {
        "before_procedure", "checklist", "alternatives", "conditional", "transplant", "response",
        "art", "refractory", "hap", "crcl",
    }  # fmt: skip
    for plan in plan_via_command([v["case"] for _, _, v in CASES]):
        assert keys <= set(plan)
