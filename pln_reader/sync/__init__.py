"""Sync with a Google Reader API server (FreshRSS, Miniflux): client.py, folders.py, engine.py.
May import social/, articles/ and the layers below (store/, net/, core/); never library/ or faces.
Import the modules themselves: this package loads nothing, so httpx stays unloaded."""
