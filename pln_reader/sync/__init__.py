"""Sync with a Google Reader API server: client.py, folders.py, subscriptions.py, engine.py.
May import social/, articles/ and the layers below (store/, net/, core/); never library/ or faces.
Import the modules themselves: this package loads nothing, so httpx stays unloaded."""
