"""Aisle: open, self-hosted smart-cart checkout."""
