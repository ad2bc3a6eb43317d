"""The meal-plan optimiser's measures of how a dietitian would read a plan (realism)."""
