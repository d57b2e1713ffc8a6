"""LLaMA-Factory as the source of truth: its templates, its model table, recorded templates."""
