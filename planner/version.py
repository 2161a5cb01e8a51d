"""Version of the planner's logic, stored with every assessment so an old plan can be explained."""

PLANNER_VERSION = "1.0.0"
DISCLAIMER = (
    "Decision support only: it supports, and does not replace, the treating team's judgement."
)
