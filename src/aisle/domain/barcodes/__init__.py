"""What a scanner typed, turned into a code the store can look up, weigh, price or redeem.

A scan is raw scanner text: digits for a retail barcode, an element string for GS1-128 and GS1
DataBar, a link for a QR code, possibly behind an AIM symbology identifier such as ``]E0``.
`parse_scan` reads it with the store's `ScanRules` into one `ScannedCode`:

- `Gtin`: GTIN-8/12/13/14 and UPC-E, check digit verified, in 14-digit form, so that the
  leading-zero forms of one product are the same product;
- `Plu`: a produce code, 4 digits or 5 with the organic 9-prefix, weighed by the cart's scale;
- `VariableMeasure`: a store's weighed or priced label (EAN-13 prefixes 02 and 20-29, UPC-A 2),
  read with biip's national rules or the store's own `VariableMeasureRule` layouts;
- `Gs1Data`: a GTIN with what a GS1 element string or Digital Link adds (dates, batch, serial,
  net weight, price);
- `Coupon`: a GS1 coupon or one of the store's own.

Anything else is refused with `MisreadBarcode` (a check digit did not match: scan again) or
`NotABarcode` (no product code of a kind the store knows), each with a reason a shopper
understands. Parsing needs no clock: `check_dates` and `check_recall` judge a `Gs1Data` against
the day and the store's recalls, and the cart service calls them. biip does all of the GS1
parsing (check digits, UPC-E expansion, restricted numbers, element strings, Digital Link).

>>> parse_scan("4006381333931")
Gtin(gtin14='04006381333931')
>>> parse_scan("4011")
Plu(code='4011')
>>> parse_scan("2145739012349", rules_preset("hr"))
VariableMeasure(item_gtin14='02145739000001', raw='2145739012349', weight_g=1234, price_minor=None, count=None)
>>> parse_scan("]e00190012345678908310301223315991231").net_weight_g
12233
"""  # noqa: E501

from aisle.domain.barcodes._checks import DateWarning, RecalledLot, check_dates, check_recall
from aisle.domain.barcodes._codes import (
    Coupon,
    CouponScheme,
    Gs1Data,
    Gs1Source,
    Gtin,
    Plu,
    ScannedCode,
    VariableMeasure,
)
from aisle.domain.barcodes._rules import (
    CROATIA_EAN13,
    DEFAULT_RULES,
    IN_STORE_EAN13,
    PRESETS,
    US_UPC_A_PRICE,
    US_UPC_A_PRICE_CHECKED,
    MeasureKind,
    ScanRules,
    VariableMeasureRule,
    rules_preset,
)
from aisle.domain.barcodes._scan import normalise_gtin, parse_scan

__all__ = [
    "CROATIA_EAN13",
    "DEFAULT_RULES",
    "IN_STORE_EAN13",
    "PRESETS",
    "US_UPC_A_PRICE",
    "US_UPC_A_PRICE_CHECKED",
    "Coupon",
    "CouponScheme",
    "DateWarning",
    "Gs1Data",
    "Gs1Source",
    "Gtin",
    "MeasureKind",
    "Plu",
    "RecalledLot",
    "ScanRules",
    "ScannedCode",
    "VariableMeasure",
    "VariableMeasureRule",
    "check_dates",
    "check_recall",
    "normalise_gtin",
    "parse_scan",
    "rules_preset",
]
