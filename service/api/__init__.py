"""The HTTP API a storefront, an analyst and an operator call."""

from service.api.app import create_app

__all__ = ["create_app"]
