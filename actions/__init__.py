"""Custom actions (rasa_sdk). Thin: the logic lives in knowledge/."""
