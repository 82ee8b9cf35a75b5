"""kpitui: sales KPI scorecards and team leaderboards in the terminal.

Kept free of imports so `kpitui log ...` starts fast; import the layers you need directly.
"""

__version__ = "0.1.0"
