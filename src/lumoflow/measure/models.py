"""Stored measurement results."""
