"""Adapters: the database, password hashing, payment providers."""
