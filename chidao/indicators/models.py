"""Indicators: see models.py."""
