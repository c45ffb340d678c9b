"""Raw scanner text becomes a product code, or a reason a shopper understands.

Real codes from real shelves: Konzum's Croatian price lists (2025-07-03), USDA FoodData Central's
branded foods (US), and the texts zxing-cpp's sample photos decode to. The other code kinds
(weighed labels, GS1 element strings, Digital Link, coupons) are in ``test_barcode_kinds.py``.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from biip.checksums import gs1_standard_check_digit
from biip.upc import Upc
from hypothesis import given
from hypothesis import strategies as st

from aisle.domain.barcodes import Gtin, Plu, ScannedCode, parse_scan
from aisle.domain.errors import MisreadBarcode, NotABarcode

# (raw scan, what it is); ids say where the code comes from.
RETAIL_CODES: list[tuple[str, str, ScannedCode]] = [
    ("ean-13", "4006381333931", Gtin(gtin14="04006381333931")),
    ("gtin-14-form", "04006381333931", Gtin(gtin14="04006381333931")),
    ("symbology-prefix", "]E04006381333931", Gtin(gtin14="04006381333931")),
    ("scanner-whitespace", "  4006381333931\r\n", Gtin(gtin14="04006381333931")),
    ("ean-8", "96385074", Gtin(gtin14="00000096385074")),
    ("ean-8-symbology", "]E496385074", Gtin(gtin14="00000096385074")),
    ("upc-a", "036000291452", Gtin(gtin14="00036000291452")),
    ("itf-14", "]I110012345678902", Gtin(gtin14="10012345678902")),
    # Konzum, Croatia: the price lists' Barcode column
    ("konzum-ean-13-buddy", "3850334043641", Gtin(gtin14="03850334043641")),
    ("konzum-ean-13-buddy-beef", "3850334018236", Gtin(gtin14="03850334018236")),
    ("konzum-ean-8-monini-oil", "80053811", Gtin(gtin14="00000080053811")),
    ("konzum-ean-8-red-bull", "90162800", Gtin(gtin14="00000090162800")),
    ("konzum-upc-a-del-monte", "024000027584", Gtin(gtin14="00024000027584")),
    ("konzum-gtin-14-olive-oil-gift", "03859893615214", Gtin(gtin14="03859893615214")),
    ("konzum-gtin-14-variable-measure", "93850220111396", Gtin(gtin14="93850220111396")),
    ("konzum-in-store-20", "2011171540101", Gtin(gtin14="02011171540101")),
    # USDA FoodData Central: gtin_upc with its stripped leading zeros padded back
    ("usda-gtin-14-brakebush", "10038034720202", Gtin(gtin14="10038034720202")),
    ("usda-upc-a-mahco", "877448001674", Gtin(gtin14="00877448001674")),
    ("usda-upc-a-hormel-padded", "037600665605", Gtin(gtin14="00037600665605")),
    ("usda-ean-13-new-zealand", "9417701003833", Gtin(gtin14="09417701003833")),
    # UPC-E: 8 digits as printed, expanded to their UPC-A
    ("upc-e", "01234565", Gtin(gtin14="00012345000065")),
    ("upc-e-symbology", "]E001234565", Gtin(gtin14="00012345000065")),
    ("usda-upc-e-minute-maid", "02503000", Gtin(gtin14="00025000000300")),
    ("usda-upc-e-general-mills", "01825402", Gtin(gtin14="00018000002542")),
    # zxing-cpp sample texts: UPC-E arrives expanded, in 13 digits, behind ]E0
    ("zxing-upce-1-1", "]E00012345000065", Gtin(gtin14="00012345000065")),
    ("zxing-upce-1-2", "]E00001234000057", Gtin(gtin14="00001234000057")),
    ("zxing-upce-2-01", "]E00050968000093", Gtin(gtin14="00050968000093")),
    ("zxing-upce-3-01", "]E00049000006582", Gtin(gtin14="00049000006582")),
    ("zxing-upca-1-2", "]E00036602301467", Gtin(gtin14="00036602301467")),
    ("zxing-ean13-1-10", "]E08480010001136", Gtin(gtin14="08480010001136")),
    ("zxing-ean8-1-1", "]E448512343", Gtin(gtin14="00000048512343")),
    ("zxing-ean13-with-add-on", "]E3978073520044951299", Gtin(gtin14="09780735200449")),
    ("zxing-upca-with-add-on", "]E3002454313653800", Gtin(gtin14="00024543136538")),
    # produce
    ("plu", "4011", Plu(code="4011")),
    ("organic-plu", "94011", Plu(code="94011")),
    ("plu-typed-with-spaces", " 4046 ", Plu(code="4046")),
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(raw, code) for _, raw, code in RETAIL_CODES],
    ids=[i for i, *_ in RETAIL_CODES],
)
def test_retail_codes_are_understood(raw: str, expected: ScannedCode) -> None:
    assert parse_scan(raw) == expected


@pytest.mark.parametrize(
    ("forms", "gtin14"),
    [
        (("036000291452", "0036000291452", "00036000291452", "]E00036000291452"), "00036000291452"),
        (("96385074", "000096385074", "00000096385074"), "00000096385074"),
        (("01234565", "012345000065", "0012345000065", "]E00012345000065"), "00012345000065"),
    ],
    ids=["upc-a", "ean-8", "upc-e"],
)
def test_leading_zero_forms_of_one_product_are_the_same_product(
    forms: tuple[str, ...], gtin14: str
) -> None:
    assert {parse_scan(form) for form in forms} == {Gtin(gtin14=gtin14)}


def test_a_wrong_check_digit_asks_for_a_rescan() -> None:
    with pytest.raises(
        MisreadBarcode, match=r"didn't scan properly \(4006381333932\): please scan it again"
    ):
        parse_scan("4006381333932")


@pytest.mark.parametrize(
    "raw",
    ["4006381333932", "03850334043642", "036000291453", "96385075", "]E001234566", "01234566"],
    ids=["ean-13", "konzum-gtin-14-form", "upc-a", "ean-8", "upc-e-symbology", "upc-e"],
)
def test_every_misread_check_digit_asks_for_a_rescan(raw: str) -> None:
    with pytest.raises(MisreadBarcode, match="please scan it again"):
        parse_scan(raw)


def _with_check_digit(payload: str) -> str:
    return payload + str(gs1_standard_check_digit(payload))


EAN_13 = st.text(alphabet="0123456789", min_size=12, max_size=12).map(_with_check_digit)


@given(code=EAN_13, position=st.integers(0, 12), shift=st.integers(1, 9))
def test_any_single_wrong_digit_asks_for_a_rescan(code: str, position: int, shift: int) -> None:
    """GS1's mod-10 check digit catches every single-digit error."""
    wrong = code[:position] + str((int(code[position]) + shift) % 10) + code[position + 1 :]
    with pytest.raises(MisreadBarcode):
        parse_scan(wrong)


@given(code=EAN_13)
def test_any_gtin_is_the_same_product_with_a_leading_zero(code: str) -> None:
    assert parse_scan(code) == parse_scan("0" + code) == parse_scan("]E0" + code)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Nothing was scanned"),
        ("  \r\n", "Nothing was scanned"),
        ("]E0", "Nothing was scanned"),
        ("hello", "'hello' is not a product barcode"),
        ("]W01234", r"'\]W01234' is not a product barcode"),
        ("123", "expected 8, 12, 13 or 14 digits, got 3"),
        ("12345", "5 starting with 9"),
        ("1234567", "got 7"),
        ("1234567890123456", "got 16"),
        ("]E212345", "12345 is the small add-on code beside the barcode"),
        ("]E39780735200449512", "got 16"),
    ],
    ids=[
        "empty",
        "whitespace",
        "symbology-only",
        "text",
        "unknown-symbology",
        "too-short",
        "five-digit-not-organic",
        "seven-digits",
        "too-long",
        "add-on-alone",
        "add-on-of-wrong-length",
    ],
)
def test_what_is_not_a_barcode_is_refused_with_the_reason(raw: str, message: str) -> None:
    with pytest.raises(NotABarcode, match=message):
        parse_scan(raw)


def test_a_gtin_shows_in_its_printed_form() -> None:
    assert Gtin(gtin14="04006381333931").display == "4006381333931"
    assert Gtin(gtin14="00000096385074").display == "96385074"
    assert Gtin(gtin14="93850220111396").display == "93850220111396"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Gtin(gtin14="4006381333931"), "expected the 14-digit form"),
        (lambda: Gtin(gtin14="04006381333932"), "expected a valid GS1 check digit"),
        (lambda: Plu(code="12345"), "expected 4 digits, or 5 starting with 9"),
    ],
    ids=["gtin-13-digits", "gtin-check-digit", "plu-five-digits"],
)
def test_codes_cannot_be_built_invalid(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_an_organic_plu_says_so() -> None:
    assert Plu(code="94011").organic
    assert not Plu(code="4011").organic


# --- every code in the real data ------------------------------------------------------------


def usda_gtin_upc(shared_data: Path) -> list[str]:
    path = shared_data / "usda-fdc-branded-sample" / "branded_food.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row["gtin_upc"].strip() for row in csv.DictReader(handle)]


def test_usda_gtin_upc_values_scan_once_their_leading_zeros_are_back(shared_data: Path) -> None:
    """USDA strips leading zeros from gtin_upc: padded back to 14 digits, 9,319 of the 9,541
    rows are GTINs with a valid check digit.

    The other 222 are refused as misreads, never as something else, and none of them can be a
    GTIN as written: 159 have 10 digits (a US company and item number without the number-system
    and check digits), 12 are UPC-E codes written as printed with their leading 0 (which scan as
    UPC-E when given as they are), and 51 lost a digit some other way (11-digit UPC-As without
    their check digit, with their leading 0 still there, and the like).
    """
    values = usda_gtin_upc(shared_data)
    assert len(values) == 9_541
    refused: list[str] = []
    for value in values:
        try:
            assert isinstance(parse_scan(value.zfill(14)), Gtin)
        except MisreadBarcode:
            refused.append(value)
    assert len(values) - len(refused) == 9_319
    upc_e = [v for v in refused if len(v) == 8 and v.startswith("0")]
    assert all(isinstance(parse_scan(v), Gtin) for v in upc_e)
    assert parse_scan("02503000") == Gtin(gtin14="00025000000300")  # Minute Maid, as printed
    by_length = Counter(len(v) for v in refused if v not in upc_e)
    assert len(upc_e) == 12
    assert by_length[10] == 159
    assert sum(by_length.values()) - by_length[10] == 51


def test_every_zxing_upc_e_text_is_its_8_digit_code_expanded(shared_data: Path) -> None:
    """zxing-cpp sends UPC-E the way AIM says: expanded to 13 digits behind ]E0."""
    texts = sorted(
        {
            path.read_text()
            for folder in ("upce-1", "upce-2", "upce-3")
            for path in (shared_data / "zxing-retail-samples" / folder).glob("*.txt")
            if not path.name.endswith(".result.txt")
        }
    )
    assert len(texts) == 8
    for text in texts:
        printed = Upc.parse(text[1:]).as_upc_e()
        assert parse_scan("]E0" + text) == parse_scan(printed) == parse_scan("]E0" + printed)


def test_the_tables_konzum_and_usda_examples_are_real(shared_data: Path) -> None:
    konzum: set[str] = set()
    for path in (shared_data / "konzum-prices-2025-07-03").glob("konzum-*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            konzum.update(row["Barcode"].strip() for row in csv.DictReader(handle))
    usda = set(usda_gtin_upc(shared_data))
    for case_id, raw, _ in RETAIL_CODES:
        if case_id.startswith("konzum"):
            assert raw in konzum, case_id
        if case_id.startswith("usda"):
            assert raw.lstrip("0") in usda or raw in usda, case_id
