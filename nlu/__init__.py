"""Rasa NLU components of the assistant (the YAML files here are training data)."""
