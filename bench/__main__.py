"""Run every benchmark and print its figures."""

from bench import planner_bench

planner_bench.main()
