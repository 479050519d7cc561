"""API: rotation."""

from ninja import Router

router = Router(tags=["rotation"])
