"""Raw scanner text becomes a code, or a reason a shopper understands."""

from __future__ import annotations

import pytest

from aisle.domain.barcodes import Gtin, Plu, parse_scan
from aisle.domain.errors import MisreadBarcode, NotABarcode


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4006381333931", Gtin(gtin14="04006381333931")),
        ("04006381333931", Gtin(gtin14="04006381333931")),
        ("]E04006381333931", Gtin(gtin14="04006381333931")),
        ("  4006381333931\r\n", Gtin(gtin14="04006381333931")),
        ("96385074", Gtin(gtin14="00000096385074")),
        ("036000291452", Gtin(gtin14="00036000291452")),
        ("3850334043641", Gtin(gtin14="03850334043641")),
        ("4011", Plu(code="4011")),
        ("94011", Plu(code="94011")),
    ],
    ids=[
        "ean-13",
        "gtin-14-form",
        "symbology-prefix",
        "scanner-whitespace",
        "ean-8",
        "upc-a",
        "croatian-ean",
        "plu",
        "organic-plu",
    ],
)
def test_retail_codes_are_understood(raw: str, expected: object) -> None:
    assert parse_scan(raw) == expected


def test_leading_zero_forms_of_one_product_are_the_same_product() -> None:
    assert parse_scan("036000291452") == parse_scan("0036000291452") == parse_scan("00036000291452")


def test_a_wrong_check_digit_asks_for_a_rescan() -> None:
    with pytest.raises(
        MisreadBarcode, match=r"didn't scan properly \(4006381333932\): please scan it again"
    ):
        parse_scan("4006381333932")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Nothing was scanned"),
        ("hello", "is not a product barcode"),
        ("123", "expected 8, 12, 13 or 14 digits, got 3"),
        ("12345", "5 starting with 9"),
        ("1234567890123456", "got 16"),
    ],
    ids=["empty", "text", "too-short", "five-digit-not-organic", "too-long"],
)
def test_what_is_not_a_barcode_is_refused_with_the_reason(raw: str, message: str) -> None:
    with pytest.raises(NotABarcode, match=message):
        parse_scan(raw)


def test_a_gtin_shows_in_its_printed_form() -> None:
    assert Gtin(gtin14="04006381333931").display == "4006381333931"
    assert Gtin(gtin14="00000096385074").display == "96385074"
