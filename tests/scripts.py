"""Answers that the dialogue, bot and benchmark tests give, in one place."""

from __future__ import annotations

PLAIN_INTAKE = {
    "label": "bed7", "tumour_type": "hcc", "count": "2", "largest_cm": "3.5", "pvtt": "none",
    "extrahepatic": "no", "bilirubin": "1.0 mg/dL", "albumin": "4.0 g/dL", "inr": "1.1",
    "ascites": "none", "encephalopathy": "none", "creatinine": "80 umol/L", "sodium": "138",
    "dialysis": "no", "age": "66", "ecog": "0", "earlier": "no",
}  # fmt: skip
"""Every intake question answered, by question id, as a clinician types it: two 3.5 cm HCC nodules,
Child-Pugh A5, no earlier intervention (super-selective TACE, BCLC B). The summary is not confirmed."""
