"""Test package, so that helpers such as `tests.fakebotapi` can be imported by the tests and benchmarks."""
