"""Catalog sources: each reads a file format into product records and rejections with reasons."""
