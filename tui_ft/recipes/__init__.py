"""Recipes: a saved pipeline of tui-ft steps, validated, replayed headless, resumable."""

from tui_ft.recipes.model import Recipe, RecipeError, Step, load_recipe, parse_recipe

__all__ = ["Recipe", "RecipeError", "Step", "load_recipe", "parse_recipe"]
