"""Version of the planner's logic, stored with every assessment so an old plan can be explained."""

PLANNER_VERSION = "2.0.0"
"""2: hard gates, values to correct first, mRECIST, ART, refractoriness, alternatives (contract v2)."""
DISCLAIMER = (
    "Decision support only: it supports, and does not replace, the treating team's judgement."
)
