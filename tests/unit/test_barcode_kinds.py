"""Every kind of code a cart understands beyond a plain GTIN, per kind, with real examples.

Store labels with a weight or price in them (biip's national rules and the store's own layouts),
GS1 element strings from GS1-128 and GS1 DataBar (the texts zxing-cpp's sample photos decode
to), GS1 Digital Link QR codes, coupons, and what the service checks against the day.
Layout examples follow each country's published structure; Konzum's 21-prefix key is real.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import given
from hypothesis import strategies as st

from aisle.domain.barcodes import (
    DEFAULT_RULES,
    Coupon,
    DateWarning,
    Gs1Data,
    Gtin,
    Plu,
    RecalledLot,
    ScannedCode,
    ScanRules,
    VariableMeasure,
    VariableMeasureRule,
    check_dates,
    check_recall,
    parse_scan,
    rules_preset,
)
from aisle.domain.errors import DomainError, MisreadBarcode, NotABarcode

GS = "\x1d"  # FNC1, as scanners send it between variable-length fields


def weighed(key: str, raw: str, grams: int) -> VariableMeasure:
    return VariableMeasure(item_gtin14=key, raw=raw, weight_g=grams)


def priced(key: str, raw: str, minor: int) -> VariableMeasure:
    return VariableMeasure(item_gtin14=key, raw=raw, price_minor=minor)


# --- store labels with the weight or price in them -------------------------------------------

VARIABLE_MEASURE: list[tuple[str, str, str, ScannedCode]] = [
    # Croatia: Konzum lists weighed items under their 21-key with the value zeroed (real)
    ("hr-konzum-octopus-key", "hr", "2145739000001", weighed("02145739000001", "2145739000001", 0)),
    (
        "hr-konzum-octopus-1234g",
        "hr",
        "2145739012349",
        weighed("02145739000001", "2145739012349", 1234),
    ),
    ("hr-konzum-20-is-a-whole-item", "hr", "2011171540101", Gtin(gtin14="02011171540101")),
    ("hr-unknown-layout-26", "hr", "2601230012344", Gtin(gtin14="02601230012344")),
    # the store's own layout 2X IIIII VVVVV C: price under 20-27, weight under 28/29
    (
        "in-store-weight-28",
        "in-store",
        "2801234012344",
        weighed("02801234000006", "2801234012344", 1234),
    ),
    (
        "in-store-price-20",
        "in-store",
        "2001234005999",
        priced("02001234000000", "2001234005999", 599),
    ),
    (
        "in-store-weight-29",
        "in-store",
        "2912345025007",
        weighed("02912345000004", "2912345025007", 2500),
    ),
    # US UPC-A number system 2: 2 IIIII PPPPP C
    ("us-upc-a-price", "us", "201234002994", priced("00201234000006", "201234002994", 299)),
    (
        "us-upc-a-price-13-digits",
        "us",
        "0201234002994",
        priced("00201234000006", "201234002994", 299),
    ),
    (
        "us-upc-a-price-14-digits",
        "us",
        "00201234002994",
        priced("00201234000006", "201234002994", 299),
    ),
    (
        "us-upc-a-price-symbology",
        "us",
        "]E00201234002994",
        priced("00201234000006", "201234002994", 299),
    ),
    (
        "us-upc-a-price-checked",
        "us-price-check",
        "201234602996",
        priced("00201234000006", "201234602996", 299),
    ),
    ("us-ordinary-upc-a", "us", "036000291452", Gtin(gtin14="00036000291452")),
    # biip's national rules
    ("se-weight-23", "se", "2301234012349", weighed("02301234000001", "2301234012349", 1234)),
    ("se-price-20-ore", "se", "2001234009959", priced("02001234000000", "2001234009959", 995)),
    (
        "se-weight-25-one-decimal",
        "se",
        "2500000004568",
        weighed("02500000000003", "2500000004568", 45600),
    ),
    ("se-no-layout-for-26", "se", "2601230012344", Gtin(gtin14="02601230012344")),
    ("de-weight-28", "de", "2812341012349", weighed("02812340000002", "2812341012349", 1234)),
    ("de-price-22", "de", "2212342001999", priced("02212340000000", "2212342001999", 199)),
    (
        "de-count-25",
        "de",
        "2512343000039",
        VariableMeasure(item_gtin14="02512340000001", raw="2512343000039", count=3),
    ),
    ("gb-price-20", "gb", "2012345101500", priced("02012345000001", "2012345101500", 150)),
    ("dk-weight-26", "dk", "2601230012344", weighed("02601230000006", "2601230012344", 1234)),
    # without the store's rules a restricted number is looked up as it is
    ("default-looks-up-as-is", "default", "2145739012349", Gtin(gtin14="02145739012349")),
]


@pytest.mark.parametrize(
    ("preset", "raw", "expected"),
    [case[1:] for case in VARIABLE_MEASURE],
    ids=[case[0] for case in VARIABLE_MEASURE],
)
def test_store_labels_carry_their_weight_or_price(
    preset: str, raw: str, expected: ScannedCode
) -> None:
    assert parse_scan(raw, rules_preset(preset)) == expected


@pytest.mark.parametrize(
    ("preset", "raw"),
    [("de", "2812349012342"), ("us-price-check", "201234702993")],
    ids=["de-weight-check-digit", "us-price-check-digit"],
)
def test_a_label_whose_price_check_digit_is_wrong_asks_for_a_rescan(preset: str, raw: str) -> None:
    with pytest.raises(MisreadBarcode, match=rf"didn't scan properly \({raw}\)"):
        parse_scan(raw, rules_preset(preset))


def test_the_stores_own_layout_wins_over_its_regions() -> None:
    own = VariableMeasureRule(
        prefix="23", value_kind="price", value_start=7, value_length=5, decimals=2
    )
    rules = ScanRules(region="se", currency="SEK", variable_measure=(own,))
    assert parse_scan("2301234012349", rules) == priced("02301234000001", "2301234012349", 1234)


@given(grams=st.integers(min_value=0, max_value=99_999))
def test_every_weight_on_one_label_is_the_same_item(grams: int) -> None:
    payload = f"2801234{grams:05d}"
    code = payload + str(gs1_standard_check_digit(payload))
    found = parse_scan(code, rules_preset("in-store"))
    assert found == weighed("02801234000006", code, grams)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"prefix": "30"}, "'30' is not a restricted-circulation prefix"),
        ({"prefix": "5", "length": 12}, "expected 2 or 4 for UPC-A"),
        ({"value_start": 1}, "expected 1 to 6 digits between the prefix and the check digit"),
        ({"value_length": 6}, r"value at 7-12 .* \(positions 2-11\)"),
        ({"value_kind": "count", "decimals": 2}, "expected 0 to 5 \\(0 for a count\\)"),
        ({"check_digit_at": 8}, "outside the value at 7-11"),
        ({"value_start": 6, "value_length": 6, "check_digit_at": 5}, "cover 4 or 5 digits"),
        ({"value_kind": "volume"}, "expected 'weight', 'price' or 'count'"),
    ],
    ids=[
        "ean-prefix",
        "upc-prefix",
        "value-over-prefix",
        "value-over-check-digit",
        "count-decimals",
        "check-digit-in-value",
        "check-digit-over-6",
        "unknown-kind",
    ],
)
def test_a_layout_that_cannot_work_is_refused_with_the_reason(
    fields: dict[str, Any], message: str
) -> None:
    layout: dict[str, Any] = {
        "prefix": "28",
        "value_kind": "weight",
        "value_start": 7,
        "value_length": 5,
        "decimals": 3,
    }
    with pytest.raises(ValueError, match=message):
        VariableMeasureRule(**{**layout, **fields})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ScanRules(region="hr"), "'hr' is not one biip knows: expected one of de, dk"),
        (lambda: ScanRules(currency="XXX"), "Currency 'XXX': expected one of"),
        (
            lambda: ScanRules(currency="JPY", variable_measure=rules_preset("us").variable_measure),
            "have 2 decimals: JPY has 0",
        ),
        (lambda: ScanRules(coupon_prefixes=("",)), "expected the non-empty start of a code"),
        (lambda: rules_preset("xx"), "No scanning preset 'xx': expected one of de, default"),
    ],
    ids=["unknown-region", "unknown-currency", "price-decimals", "empty-coupon-prefix", "preset"],
)
def test_store_rules_that_cannot_work_are_refused(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


# --- GS1 element strings and Digital Link ------------------------------------------------------

GS1_CODES: list[tuple[str, str, ScannedCode]] = [
    (
        "gs1-128-fnc1",
        f"]C10109506000134352{GS}10ABC123{GS}21XYZ",
        Gs1Data(gtin14="09506000134352", source="gs1-128", batch="ABC123", serial="XYZ"),
    ),
    (
        "gs1-128-use-by-and-weight",
        "]C1010950600013435217261120310300050010L42",
        Gs1Data(
            gtin14="09506000134352",
            source="gs1-128",
            expiry=date(2026, 11, 20),
            net_weight_g=500,
            batch="L42",
        ),
    ),
    (
        "zxing-rssexpanded-3-1",
        "]e00190012345678908310301223315991231",
        Gs1Data(
            gtin14="90012345678908",
            source="databar",
            net_weight_g=12233,
            best_before=date(1999, 12, 31),
        ),
    ),
    (
        "hri-of-the-same",
        "(01)90012345678908(3103)012233(15)991231",
        Gs1Data(
            gtin14="90012345678908",
            source="hri",
            net_weight_g=12233,
            best_before=date(1999, 12, 31),
        ),
    ),
    (
        "zxing-rssexpanded-1-10-everything",
        f"]e001988987654321061599123131030017501012A{GS}422123{GS}21123456{GS}423012345678901",
        Gs1Data(
            gtin14="98898765432106",
            source="databar",
            best_before=date(1999, 12, 31),
            net_weight_g=1750,
            batch="12A",
            serial="123456",
        ),
    ),
    (
        "zxing-rssexpanded-3-10-pounds",
        "]e001900123456789083203010000",
        Gs1Data(gtin14="90012345678908", source="databar", net_weight_g=4536),
    ),
    (
        "zxing-rssexpanded-1-13-price",
        "]e001900123456789083922795",
        Gs1Data(gtin14="90012345678908", source="databar", price_minor=795),
    ),
    (
        "price-in-the-stores-currency",
        "]e001900123456789083932978012345",
        Gs1Data(gtin14="90012345678908", source="databar", price_minor=12345),
    ),
    (
        "element-string-without-symbology",
        "010950600013435217261231",
        Gs1Data(gtin14="09506000134352", source="element-string", expiry=date(2026, 12, 31)),
    ),
    (
        "gs1-datamatrix",
        "]d2010950600013435217261231",
        Gs1Data(gtin14="09506000134352", source="datamatrix", expiry=date(2026, 12, 31)),
    ),
    ("zxing-rss14-1-1-gtin-only", "]e00104412345678909", Gtin(gtin14="04412345678909")),
    ("zxing-databarltd-1-01", "]e00100068510889102", Gtin(gtin14="00068510889102")),
    (
        "digital-link",
        "https://id.gs1.org/01/09506000134352/10/ABC123?17=261231",
        Gs1Data(
            gtin14="09506000134352",
            source="digital-link",
            batch="ABC123",
            expiry=date(2026, 12, 31),
        ),
    ),
    (
        "digital-link-qr-prefix",
        "]Q1https://id.gs1.org/01/09506000134352/10/ABC123?17=261231",
        Gs1Data(
            gtin14="09506000134352",
            source="digital-link",
            batch="ABC123",
            expiry=date(2026, 12, 31),
        ),
    ),
    (
        "digital-link-gs1-qr-weight",
        "]Q3https://example.com/01/09506000134352?3103=000750",
        Gs1Data(gtin14="09506000134352", source="digital-link", net_weight_g=750),
    ),
    (
        "digital-link-gtin-13-uppercase",
        "HTTPS://ID.GS1.ORG/01/9506000134352",
        Gtin(gtin14="09506000134352"),
    ),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [c[1:] for c in GS1_CODES], ids=[c[0] for c in GS1_CODES]
)
def test_gs1_codes_give_the_gtin_and_what_they_add(raw: str, expected: ScannedCode) -> None:
    assert parse_scan(raw) == expected


@pytest.mark.parametrize(
    ("raw", "error", "message"),
    [
        ("]e00190012345678909", MisreadBarcode, r"didn't scan properly \(90012345678909\)"),
        ("https://id.gs1.org/01/09506000134353", MisreadBarcode, r"\(09506000134353\)"),
        ("]e01012A", NotABarcode, r"That code \(10\)12A does not say which product it is"),
        ("]e011100224171102243102000100", NotABarcode, "does not say which product it is"),
        ("]C100106141412345678908", NotABarcode, r"shipping label \(SSCC 106141412345678908\)"),
        ("]C1019001234567890817160000", NotABarcode, "That label's code is not valid"),
        ("]e0101098 1234", NotABarcode, r"not valid \(101098 1234\)"),
        ("(01)", NotABarcode, r"not valid \(\(01\)\)"),
        ("]e0019001234567890839320401234", NotABarcode, r"another currency \(ISO 4217 040\)"),
        ("]Q1https://example.com/menu", NotABarcode, r"web link \(https://example.com/menu\)"),
    ],
    ids=[
        "databar-misread-gtin",
        "digital-link-misread-gtin",
        "batch-only",
        "dates-only",
        "sscc-pallet-label",
        "impossible-date",
        "character-not-allowed",
        "empty-hri",
        "foreign-currency-price",
        "web-link",
    ],
)
def test_gs1_codes_without_a_usable_product_are_refused(
    raw: str, error: type[DomainError], message: str
) -> None:
    with pytest.raises(error, match=message):
        parse_scan(raw)


def test_every_zxing_databar_text_scans_as_what_it_holds(shared_data: Path) -> None:
    """The 248 GS1 DataBar sample texts, behind ]e0 as zxing-cpp sends them.

    Those with a GTIN are products (a bare GTIN, or one with dates, batch, weight or price);
    the one North American coupon is a coupon; the rest are test strings without a GTIN (a batch
    or dates alone) or with data the GS1 rules forbid, refused as no product.
    """
    kinds: Counter[str] = Counter()
    for folder in sorted((shared_data / "zxing-retail-samples").glob("*")):
        if not folder.name.startswith(("rss", "databar")):
            continue
        for path in folder.glob("*.txt"):
            if path.name.endswith(".result.txt"):
                continue
            try:
                kinds[type(parse_scan("]e0" + path.read_text())).__name__] += 1
            except NotABarcode:
                kinds["refused"] += 1
    assert kinds == {"Gtin": 23, "Gs1Data": 72, "Coupon": 1, "refused": 152}


# --- coupons -----------------------------------------------------------------------------------

STORE = ScanRules(coupon_prefixes=("CPN-", "4000"))

COUPONS: list[tuple[str, str, ScanRules, Coupon]] = [
    ("gs1-981", "9810123456780", DEFAULT_RULES, Coupon(code="9810123456780", scheme="gs1")),
    ("gs1-984", "9840001234568", DEFAULT_RULES, Coupon(code="9840001234568", scheme="gs1")),
    ("gs1-99", "]E09912345001509", DEFAULT_RULES, Coupon(code="9912345001509", scheme="gs1")),
    (
        "zxing-rssexpandedstacked-2-1",
        "]e0811010014141012345290110100",
        DEFAULT_RULES,
        Coupon(code="811010014141012345290110100", scheme="gs1-north-america"),
    ),
    ("store-text", "CPN-SPRING-26", STORE, Coupon(code="CPN-SPRING-26", scheme="store")),
    ("store-digits", "]C04000123456789", STORE, Coupon(code="4000123456789", scheme="store")),
]


@pytest.mark.parametrize(
    ("raw", "rules", "expected"), [c[1:] for c in COUPONS], ids=[c[0] for c in COUPONS]
)
def test_coupons_are_recognised(raw: str, rules: ScanRules, expected: Coupon) -> None:
    assert parse_scan(raw, rules) == expected


def test_a_gs1_coupon_with_a_wrong_check_digit_asks_for_a_rescan() -> None:
    with pytest.raises(MisreadBarcode, match=r"\(9810123456781\)"):
        parse_scan("9810123456781")


def test_store_coupon_prefixes_only_apply_to_their_store() -> None:
    with pytest.raises(NotABarcode):
        parse_scan("CPN-SPRING-26")
    assert parse_scan("4011", STORE) == Plu(code="4011")


# --- dates and recalls, judged by the service ------------------------------------------------

ITEM = Gs1Data(
    gtin14="09506000134352",
    source="gs1-128",
    expiry=date(2026, 11, 20),
    best_before=date(2026, 11, 10),
    batch="L42",
)


@pytest.mark.parametrize(
    ("today", "kinds"),
    [
        (date(2026, 11, 1), []),
        (date(2026, 11, 10), []),
        (date(2026, 11, 11), ["best_before"]),
        (date(2026, 11, 20), ["best_before"]),
        (date(2026, 11, 21), ["use_by", "best_before"]),
    ],
    ids=["both-ahead", "best-before-day", "best-before-past", "use-by-day", "both-past"],
)
def test_passed_dates_warn_the_shopper(today: date, kinds: list[str]) -> None:
    assert [warning.kind for warning in check_dates(ITEM, today)] == kinds


def test_a_passed_use_by_date_is_worded_for_the_shopper() -> None:
    assert check_dates(replace(ITEM, best_before=None), date(2026, 12, 1)) == [
        DateWarning(
            kind="use_by",
            day=date(2026, 11, 20),
            message="This item's use-by date was 2026-11-20: please show it to an associate",
        )
    ]


def test_a_code_without_dates_never_warns() -> None:
    assert check_dates(Gs1Data(gtin14="09506000134352", source="qr"), date(2099, 1, 1)) == []


def test_a_recalled_batch_is_not_sold() -> None:
    recalls = {RecalledLot(gtin14="09506000134352", batch="L42")}
    assert check_recall(ITEM, recalls) == (
        "This item (batch L42) has been recalled and cannot be sold: please give it to an associate"
    )
    assert check_recall(replace(ITEM, batch="L43"), recalls) is None
    assert check_recall(replace(ITEM, batch=None), recalls) is None
    assert check_recall(replace(ITEM, gtin14="04006381333931"), recalls) is None


def test_a_scanned_label_with_a_recalled_batch_is_caught_end_to_end() -> None:
    scanned = parse_scan("https://id.gs1.org/01/09506000134352/10/L42?17=261120")
    assert isinstance(scanned, Gs1Data)
    assert check_recall(scanned, {RecalledLot(gtin14="09506000134352", batch="L42")})
    assert [w.kind for w in check_dates(scanned, date(2026, 11, 21))] == ["use_by"]
