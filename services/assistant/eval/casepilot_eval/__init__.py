"""CasePilot's evaluation: the question set, the fact checker and the `make eval` runner."""
