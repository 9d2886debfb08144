"""Heuristic rules: data files of phrase rules plus a few code checks."""
