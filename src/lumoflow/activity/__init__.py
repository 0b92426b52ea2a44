"""Activity log. `record` is the only way events are written (from actions)."""
