"""Answers that the dialogue, bot and benchmark tests give, in one place."""

from __future__ import annotations

from typing import Any

PLAIN_INTAKE = {
    "label": "bed7", "age": "66", "ecog": "0", "tumour_type": "hcc", "count": "2",
    "largest_cm": "3.5", "infiltrative": "no", "burden_ge_70pct": "/skip", "pvtt": "none",
    "extrahepatic": "no", "afp": "/skip", "bilirubin": "1.0 mg/dL", "albumin": "4.0 g/dL",
    "inr": "1.1", "platelets": "150", "wbc": "5.2", "ascites": "none", "encephalopathy": "none",
    "ast": "/skip", "creatinine": "80 umol/L", "sodium": "138", "dialysis": "no", "sex": "male",
    "weight_kg": "72", "earlier": "no",
}  # fmt: skip
"""Every intake question answered, by question id, as a clinician types it: two 3.5 cm HCC nodules,
Child-Pugh A5, no earlier intervention (super-selective TACE, BCLC B), three optional questions
skipped. The summary is not confirmed."""


def with_every_gate(case: dict[str, Any]) -> dict[str, Any]:
    """The case changed so that every patient-level contraindication applies at once."""
    case.update(ecog=3)
    case["tumour"].update(infiltrative=True, pvtt="vp4", pvtt_collaterals=False)
    case["liver"].update(
        bilirubin={"value": 5.0, "unit": "mg/dL"},
        ascites="moderate_severe",
        encephalopathy="grade_3_4",
        dialysis=True,
    )
    return case
