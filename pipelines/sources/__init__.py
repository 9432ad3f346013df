"""Source modules: one per export, each declaring its canonical SCHEMA and how it is staged."""
