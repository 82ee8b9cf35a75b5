"""The full-screen app (Textual). Talks to `kpitui.services.Kpitui` only; build it with `app.build_app`."""
