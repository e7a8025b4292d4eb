"""The webhook request path, a module per stage in the documented order (D-016)."""
