"""Pure domain: periods, the KPI catalogue and formulas, scoring, diagnosis, input models. No SQL, no UI."""
