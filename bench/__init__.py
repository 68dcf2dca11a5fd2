"""The benchmark of hub-gateway: ``python -m bench`` (``make bench``)."""
