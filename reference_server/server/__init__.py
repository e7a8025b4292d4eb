"""How a gateway process serves the app: gunicorn, its asyncio worker, whole-request reads, the banner."""
