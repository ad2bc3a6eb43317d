"""Profiles and targets, the meal-plan optimiser, day checks, shopping lists, Excel, storage, the CLI."""

from planner.errors import PlannerError

__all__ = ["PlannerError"]
