"""API: system."""

from ninja import Router

router = Router(tags=["system"])
