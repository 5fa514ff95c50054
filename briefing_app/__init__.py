"""Briefing: an offline desktop briefing on US-Pakistan critical-minerals cooperation."""

__version__ = "0.2.0"
