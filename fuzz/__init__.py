"""Coverage-guided fuzzing (atheris) of every parser a clinician's text reaches."""
