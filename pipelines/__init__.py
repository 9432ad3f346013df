"""Pipelines: load web, phone and desk contact exports, the catalogue and corrections."""
