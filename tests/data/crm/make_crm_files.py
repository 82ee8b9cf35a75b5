"""Writes the CRM-export fixture files (run once; the CSVs are committed): an opportunities export whose
columns have other names than kpitui's, and a team file mapping each sales agent to a manager.

    python tests/data/crm/make_crm_files.py
"""

import csv
import random
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).parent
MANAGERS = {"Dustin Brinkmann": "Central", "Melvin Marxen": "Central", "Cara Losch": "East",
            "Rocco Neubert": "East", "Summer Sewald": "West"}
AGENTS = ["Anna Snelling", "Cecily Lampkin", "Versie Hillebrand", "Lajuana Vencill", "Moses Frase",
          "Jonathan Berthelot", "Marty Freudenburg", "Gladys Colclough", "Niesha Huffines", "Darcel Schlecht",
          "Violet Mclelland", "Corliss Cosme", "Rosie Papadopoulos", "Garret Kinder", "Wilburn Farren"]
PRODUCTS = {"GTX Basic": 550, "GTX Pro": 4821, "MG Special": 55, "MG Advanced": 3393, "GTX Plus Pro": 5482,
            "GTX Plus Basic": 1096, "GTK 500": 26768}
ACCOUNTS = ["Acme Corporation", "Betasoloin", "Cancity", "Codehow", "Condax", "Conecom", "Dalttechnology",
            "Domzoom", "Faxquote", "Finhigh", "Genco Pura Olive Oil Company", "Goodsilron", "Hottechi", "Isdom",
            "Kan-code", "Konex", "Lexiqvolax", "Mathtouch", "Newex", "Opentech", "Plexzap", "Rangreen"]
EDGE_CLOSES = [date(2026, 3, 31), date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 1), date(2026, 12, 31),
               date(2026, 1, 1), date(2026, 1, 4), date(2026, 1, 5), date(2026, 9, 27), date(2026, 9, 28)]


def main() -> None:
    rng = random.Random(2026)
    managers = list(MANAGERS)
    with (HERE / "sales_teams.csv").open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["sales_agent", "manager", "regional_office"])
        for i, agent in enumerate(AGENTS):
            manager = managers[i % len(managers)]
            out.writerow([agent, manager, MANAGERS[manager]])
    with (HERE / "sales_pipeline.csv").open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date",
                      "close_date", "close_value"])
        for n in range(600):
            agent = rng.choice(AGENTS)
            product = rng.choice(list(PRODUCTS))
            engage = date(2025, 11, 1) + timedelta(days=rng.randrange(0, 400))
            roll = rng.random()
            if roll < 0.08:  # prospecting: no engage date, no close
                out.writerow([f"OPP{n:05d}", agent, product, rng.choice(ACCOUNTS), "Prospecting", "", "", ""])
                continue
            if roll < 0.2:  # engaging: open
                out.writerow([f"OPP{n:05d}", agent, product, rng.choice(ACCOUNTS), "Engaging", engage.isoformat(),
                              "", ""])
                continue
            close = engage + timedelta(days=rng.randrange(1, 140))
            if n % 37 == 0:
                close = max(engage, rng.choice(EDGE_CLOSES))
            won = rng.random() < 0.62
            stage = rng.choice(["Won", "won", "WON"]) if won else rng.choice(["Lost", "lost"])
            value = f"{PRODUCTS[product] * rng.uniform(0.8, 1.2):.2f}" if won else "0"
            out.writerow([f"OPP{n:05d}", agent, product, rng.choice(ACCOUNTS), stage, engage.isoformat(),
                          close.isoformat(), value])


if __name__ == "__main__":
    main()
