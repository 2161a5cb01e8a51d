"""mRECIST response at follow-up (Lencioni and Llovet, Semin Liver Dis 2010; safety-and-course.md 6).

Either the radiologist's category is taken as given, or it is computed from sums of viable (arterially
enhancing) diameters, tested in the order below so that progression over the nadir beats a decrease from
baseline. Without a category and without what decides one (a new lesion, a sum of 0, a sum with its nadir
or baseline), there is no response (None): a guess would decide a re-treatment.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.models import Baseline, Followup, Response
from planner.said import Said, said

PD_RISE_OVER_NADIR = 0.20
"""PD: the viable sum up by 20 % or more over the nadir (or a new lesion)."""
PR_FALL_FROM_BASELINE = 0.30
"""PR: the viable sum down by 30 % or more from baseline."""
RATIO_DIGITS = 6
"""Ratios are rounded before comparison, so that 40 over 50 mm is exactly 20 % and not 19.999 %."""


@dataclass(slots=True)
class Read:
    """The response used, where it came from, and what did not agree with it."""

    response: Response | None
    computed: bool
    """True when the response was computed from the sums rather than given."""
    disagrees: Response | None = None
    """The other reading (sums or radiologist) when both exist and differ; a flag says what it changes."""
    corrected: Said | None = None
    """Why a given category could not stand as given (a new lesion is PD; CR means no viable tumour)."""


def compute(
    followup: Followup, baseline: Baseline | None, new_disease: bool = False
) -> Response | None:
    """The category from what was found and the sums, or None when what decides it is not given.

    Computed only from a viable sum (the worked cases leave a new lesion without sums uncategorised:
    it treats again as progression, but is not a measured response). With the sum, a new lesion (or,
    per `new_disease`, vascular invasion or spread absent at baseline) is PD; then the nadir (the
    baseline sum when no nadir is given) decides PD, a viable sum of 0 is CR (it needs no baseline),
    and the baseline sum decides PR or SD; a sum with neither nadir nor baseline gives no category.
    """
    now = followup.viable_sum_mm
    if now is None:
        return None
    if followup.new_lesions or new_disease:
        return Response.PD
    base = None if baseline is None else baseline.viable_sum_mm
    nadir = followup.nadir_viable_sum_mm if followup.nadir_viable_sum_mm is not None else base
    if nadir is not None:
        if nadir == 0:
            if now > 0:
                return Response.PD
        elif round((now - nadir) / nadir, RATIO_DIGITS) >= PD_RISE_OVER_NADIR:
            return Response.PD
    if now == 0:
        return Response.CR
    if base is None:
        return None
    if round((base - now) / base, RATIO_DIGITS) >= PR_FALL_FROM_BASELINE:
        return Response.PR
    return Response.SD


def read(
    followup: Followup | None,
    baseline: Baseline | None,
    prefer_sums: bool = False,
    new_disease: bool = False,
) -> Read:
    """The follow-up's response: the radiologist's category, else the one computed from the sums.

    A given category that contradicts mRECIST's own definitions is not used as given: with a new lesion
    (or, per `new_disease`, portal vein invasion or extrahepatic spread absent at baseline: new
    non-target disease) the response is PD, and a CR beside a viable sum above zero is replaced by the
    computed category (or none). When both readings exist and differ, `prefer_sums` (a department
    setting) picks the sums.
    """
    if followup is None:
        return Read(None, False)  # response, computed
    computed = compute(followup, baseline, new_disease)
    given = followup.response
    if given is None:
        return Read(computed, computed is not None)
    if (followup.new_lesions or new_disease) and given is not Response.PD:
        what = "new_lesion" if followup.new_lesions else "new_disease"
        return Read(
            Response.PD,
            computed=False,
            corrected=said(f"mrecist.read_as_pd.{what}", given=given.upper()),
        )
    viable = followup.viable_sum_mm
    if given is Response.CR and viable is not None and viable > 0:
        return Read(
            computed,
            computed=computed is not None,
            corrected=said("mrecist.cr_with_viable", viable=viable),
        )
    if computed is None or computed is given:
        return Read(given, False)
    if prefer_sums:
        return Read(computed, True, given)  # response, computed, disagrees
    return Read(given, False, computed)


def progressing(followup: Followup, response: Response | None) -> bool:
    """Intrahepatic progression: a new lesion, progression read by the radiologist, or mRECIST PD."""
    return followup.new_lesions or followup.progression or response is Response.PD
