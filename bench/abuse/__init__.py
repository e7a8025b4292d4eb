"""`python -m bench.abuse`: what hostile clients and failing dependencies cost the gateway.

Each section is a module with `measure() -> dict` (the figures, JSON-ready) and
`render(figures: dict) -> str` (a printed table); `__main__` runs them in turn.
"""
