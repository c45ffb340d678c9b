"""Real barcodes from real shelves scan as the products they are.

The Konzum price lists (four Croatian stores, 2025-07-03) carry 13,160 distinct barcodes, every
one with a valid GS1 check digit; the zxing sample texts are what real scanners decoded.
"""

from __future__ import annotations

import csv
from pathlib import Path

from aisle.domain.barcodes import Gtin, parse_scan
from aisle.domain.errors import MisreadBarcode


def konzum_barcodes(shared_data: Path) -> set[str]:
    codes: set[str] = set()
    for path in sorted((shared_data / "konzum-prices-2025-07-03").glob("konzum-*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            codes.update(
                row["Barcode"].strip() for row in csv.DictReader(handle) if row["Barcode"].strip()
            )
    return codes


def test_every_konzum_barcode_scans_as_a_gtin(shared_data: Path) -> None:
    codes = konzum_barcodes(shared_data)
    assert len(codes) == 13_160
    parsed = {code: parse_scan(code) for code in codes}
    assert all(isinstance(code, Gtin) for code in parsed.values())
    assert len({code.gtin14 for code in parsed.values() if isinstance(code, Gtin)}) == len(codes)


def test_a_konzum_barcode_with_one_digit_misread_asks_for_a_rescan(shared_data: Path) -> None:
    """A single-digit error is always caught by the GS1 check digit."""
    refused = 0
    for code in sorted(konzum_barcodes(shared_data))[:500]:
        last = int(code[-1])
        misread = code[:-1] + str((last + 1) % 10)
        try:
            parse_scan(misread)
        except MisreadBarcode:
            refused += 1
    assert refused == 500


def test_the_ean_texts_real_scanners_decoded_scan_as_gtins(shared_data: Path) -> None:
    folders = ["ean13-1", "ean13-2", "ean13-3", "ean8-1"]
    texts = [
        text
        for folder in folders
        for path in sorted((shared_data / "zxing-retail-samples" / folder).glob("*.txt"))
        if (text := path.read_text().strip()).isdigit()
    ]
    assert len(texts) >= 40
    assert all(isinstance(parse_scan(text), Gtin) for text in texts)
