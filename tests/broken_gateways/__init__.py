"""Broken gateways: the reference gateway changed to break one rule each, to show the kit catches them.

Test-only: WSGI middleware around `reference_server.create_app` (kinds.py), a config change, or a
proxy in front (proxy.py); the catalogue (catalogue.py) names each and the requirements it breaks.
"""
