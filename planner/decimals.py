"""Rounding to decimal places: the same float as `round(value, digits)`, cheaper when it changes nothing.

The planner rounds the values a cut-off reads (a converted lab value, a sum of diameters) so that float
noise cannot move a patient across it. Python's `round(value, digits)` is correctly rounded: it writes
the value's decimal digits and reads them back, some 2,400 instructions each time, and a plan rounds a
dozen values (issue 9's budget of 150 µs per plan). Most are already short decimals, as the clinician
entered them (1.2 mg/dL, 3 tumours of 2.5 cm), and for those there is an exact shortcut.

Why the shortcut is exact: let `scaled = value * 10**digits`, computed in floating point. If `scaled`
is a whole number k with |k| < 2**52, the exact product differs from k by at most half a unit in the
last place of k, which is at most 0.25; so the exact value times 10**digits rounds to k, with no tie,
and `round` returns the float nearest to k / 10**digits, which is what the correctly rounded division
`k / 10.0**digits` of two exactly represented numbers gives. Otherwise `round` itself decides. The
property tests compare the two on every kind of float.
"""

from __future__ import annotations

_EXACT_BELOW = 2.0**52
"""Whole numbers below this are at most 0.25 from the product they were rounded from."""
_SCALES = tuple(10.0**digits for digits in range(16))
"""10**digits, each exactly represented, for the places the planner rounds to."""


def decimal_round(value: float, digits: int) -> float:
    """`round(value, digits)`, the same float, for 0 <= digits < 16 (an int comes back as `round`
    gives it: the same int)."""
    if type(value) is not float:
        return round(value, digits)
    scale = _SCALES[digits]
    scaled = value * scale
    if scaled.is_integer() and -_EXACT_BELOW < scaled < _EXACT_BELOW:
        return scaled / scale
    return round(value, digits)
