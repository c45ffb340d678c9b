"""The shopping simulator: realistic trips through the real system."""
