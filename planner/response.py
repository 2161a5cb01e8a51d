"""mRECIST response at follow-up (Lencioni and Llovet, Semin Liver Dis 2010; safety-and-course.md 6).

Either the radiologist's category is taken as given, or it is computed from sums of viable (arterially
enhancing) diameters, tested in the order below so that progression over the nadir beats a decrease from
baseline. Without a category and without a sum and a baseline sum, there is no response (None): a guess
would decide a re-treatment.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.models import Baseline, Followup, Response

PD_RISE_OVER_NADIR = 0.20
"""PD: the viable sum up by 20 % or more over the nadir (or a new lesion)."""
PR_FALL_FROM_BASELINE = 0.30
"""PR: the viable sum down by 30 % or more from baseline."""
RATIO_DIGITS = 6
"""Ratios are rounded before comparison, so that 40 over 50 mm is exactly 20 % and not 19.999 %."""


@dataclass(slots=True)
class Read:
    """A response and whether it was computed (True) or the radiologist's (False)."""

    response: Response | None
    computed: bool
    disagrees: Response | None = None
    """The computed category when it differs from the one given (the given one is kept)."""


def compute(followup: Followup, baseline: Baseline | None) -> Response | None:
    """The category from the sums, or None when the sums needed are not given."""
    now = followup.viable_sum_mm
    base = None if baseline is None else baseline.viable_sum_mm
    if now is None or base is None:
        return None
    nadir = followup.nadir_viable_sum_mm if followup.nadir_viable_sum_mm is not None else base
    if followup.new_lesions:
        return Response.PD
    if nadir == 0:
        if now > 0:
            return Response.PD
    elif round((now - nadir) / nadir, RATIO_DIGITS) >= PD_RISE_OVER_NADIR:
        return Response.PD
    if now == 0:
        return Response.CR
    if round((base - now) / base, RATIO_DIGITS) >= PR_FALL_FROM_BASELINE:
        return Response.PR
    return Response.SD


def read(followup: Followup | None, baseline: Baseline | None) -> Read:
    """The follow-up's response: the category given wins; else the one computed from the sums."""
    if followup is None:
        return Read(None, computed=False)
    computed = compute(followup, baseline)
    if followup.response is not None:
        differs = computed if computed not in (None, followup.response) else None
        return Read(followup.response, computed=False, disagrees=differs)
    return Read(computed, computed=computed is not None)


def progressing(followup: Followup, response: Response | None) -> bool:
    """Intrahepatic progression: a new lesion, progression read by the radiologist, or mRECIST PD."""
    return followup.new_lesions or followup.progression or response is Response.PD
