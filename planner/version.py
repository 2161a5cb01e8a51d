"""Version of the planner's logic, stored with every assessment so an old plan can be explained."""

from planner.said import Said

PLANNER_VERSION = "2.0.0"
"""2: hard gates, values to correct first, mRECIST, ART, refractoriness, alternatives (contract v2)."""
DISCLAIMER = Said("disclaimer")
"""Every plan ends with it: decision support only (worded in `lang.plan_words`)."""
