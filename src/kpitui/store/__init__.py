"""The database: tables, engine and pragmas, migrations, KPI queries, import and export. No UI."""
