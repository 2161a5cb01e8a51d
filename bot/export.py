"""`liverbot export`: every patient's course for a department's audit, as CSV or JSON.

What goes out: the pseudonymous label and ids, and coded values only: each plan's date, kind,
decision, approach, stage, scores, response, window, rule and contraindication ids and planner
version; each session's date and technique; each follow-up's date and response. No free text
(no flags, notes, checklists or answers as typed) beyond the labels, so nothing a clinician wrote
can carry a name into the file. The file is written private to the service's user (0600).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.course_view import assessed_on, sessions_and_followups
from bot.store import Assessment, Store

COLUMNS = (
    "owner_id", "patient_id", "label", "event", "date", "kind", "decision", "approach", "bclc",
    "child_pugh", "albi_score", "albi_grade", "meld", "response", "refractory",
    "window_earliest", "window_latest", "rules", "contraindications", "technique",
    "planner_version",
)  # fmt: skip
"""One row per event in the CSV; the JSON uses the same names."""


def plan_record(assessment: Assessment, zone: ZoneInfo) -> dict[str, Any]:
    """A saved plan as coded values (no text a person wrote or the planner worded)."""
    plan = assessment.plan
    child_pugh = plan.get("child_pugh") or {}
    albi = plan.get("albi") or {}
    window = plan.get("window") or {}
    return {
        "date": assessed_on(assessment, zone).isoformat(),
        "kind": assessment.kind,
        "decision": plan.get("decision"),
        "approach": plan.get("approach"),
        "bclc": plan.get("bclc"),
        "child_pugh": f"{child_pugh.get('class', '')}{child_pugh.get('points', '')}" or None,
        "albi_score": albi.get("score"),
        "albi_grade": albi.get("grade"),
        "meld": plan.get("meld"),
        "response": plan.get("response"),
        "refractory": plan.get("refractory"),
        "window_earliest": window.get("earliest"),
        "window_latest": window.get("latest"),
        "rules": [str(r) for r in plan.get("rules") or []],
        "contraindications": [str(c) for c in plan.get("contraindications") or []],
        "planner_version": assessment.planner_version,
    }


def courses(store: Store, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Every clinician's patients with their plans, sessions and follow-ups, oldest first."""
    out = []
    for patient in store.every_patient():
        assessments = store.assessments(patient.owner_id, patient.label)
        sessions, followups = sessions_and_followups(
            store, patient.owner_id, patient, assessments, zone
        )
        out.append(
            {
                "owner_id": patient.owner_id,
                "patient_id": patient.id,
                "label": patient.label,
                "plans": [plan_record(a, zone) for a in assessments],
                "sessions": [
                    {"date": s.day.isoformat(), "technique": s.technique} for s in sessions
                ],
                "followups": [
                    {"date": f.day.isoformat(), "response": f.response} for f in followups
                ],
            }
        )
    return out


def as_json(found: list[dict[str, Any]], now: datetime) -> bytes:
    """The courses as one JSON document."""
    document = {"exported_at": now.isoformat(timespec="seconds"), "patients": found}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def as_csv(found: list[dict[str, Any]]) -> bytes:
    """The courses as CSV, one row per plan, session and follow-up (lists joined by spaces)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for course in found:
        who = {k: course[k] for k in ("owner_id", "patient_id", "label")}
        events = [("plan", p) for p in course["plans"]]
        events += [("session", s) for s in course["sessions"]]
        events += [("followup", f) for f in course["followups"]]
        for event, values in sorted(events, key=lambda e: (e[1]["date"], e[0])):
            row = {**who, "event": event, **values}
            writer.writerow({k: " ".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return out.getvalue().encode()
