"""One error type for everything a person got wrong: the message says what, and what would be right."""


class PlannerError(ValueError):
    """Bad input to the planner layer (profile field, plan file, intake line, path)."""
