"""The kpitui benchmark behind `python bench/run.py` (bench/README.md, "The code", lists the modules)."""
