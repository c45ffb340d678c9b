"""Aisle: open, self-hosted smart-cart checkout."""

from aisle.compiled import install

install()  # a compiled module runs only while its build is current (aisle.compiled)
