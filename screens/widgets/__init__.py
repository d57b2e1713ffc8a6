"""Self-contained widgets shared by the screens."""
