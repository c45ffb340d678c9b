"""Scanners: where scans come from other than a handheld scanner's text (camera frames)."""
