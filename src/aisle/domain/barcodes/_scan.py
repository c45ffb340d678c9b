"""From raw scanner text to the code it is: which reading applies, in which order.

1. Surrounding whitespace goes, then an AIM symbology identifier (``]E0``, ``]C1``, ``]e0``,
   ``]d2``, ``]Q3`` ...), read with biip; it decides between readings where digits alone cannot.
2. A store's own coupon prefix wins over everything else.
3. Links are GS1 Digital Link URIs; GS1 symbologies carry element strings; ``(01)...`` is the
   printed (HRI) form of one.
4. Digits: 4 or 5 are a PLU; 8 are an EAN-8 or a UPC-E; 12-14 a GTIN, which may be a GS1 coupon
   or a store's weighed or priced label; longer ones an element string sent without its
   symbology identifier.
"""

from __future__ import annotations

import re

from biip import ParseError
from biip.gtin import Gtin as BiipGtin
from biip.gtin import GtinFormat
from biip.symbology import GS1Symbology, SymbologyIdentifier
from biip.upc import Upc

from aisle.domain.barcodes import _refusals
from aisle.domain.barcodes._codes import Coupon, Gs1Source, Gtin, Plu, ScannedCode
from aisle.domain.barcodes._gs1 import (
    parse_message,
    read_digital_link,
    read_element_string,
    read_hri,
    read_message,
)
from aisle.domain.barcodes._measure import read_variable_measure
from aisle.domain.barcodes._rules import DEFAULT_RULES, ScanRules

__all__ = ["normalise_gtin", "parse_scan"]

_DIGITS = re.compile(r"[0-9]+")
_LINK = re.compile(r"https?://", re.IGNORECASE)

#: GS1 General Specifications, figure 1.4.4-1: coupons for common currency areas and coupons.
_GS1_COUPON_PREFIXES = ("981", "982", "983", "984", "99")

_GS1_SOURCES: dict[GS1Symbology, Gs1Source] = {
    GS1Symbology.GS1_128: "gs1-128",
    GS1Symbology.GS1_DATABAR: "databar",
    GS1Symbology.GS1_DATAMATRIX: "datamatrix",
    GS1Symbology.GS1_QR_CODE: "qr",
    GS1Symbology.GS1_DOTCODE: "dotcode",
}

_ADD_ONS = (GS1Symbology.EAN_TWO_DIGIT_ADD_ON, GS1Symbology.EAN_FIVE_DIGIT_ADD_ON)


def parse_scan(raw: str, rules: ScanRules = DEFAULT_RULES) -> ScannedCode:
    """Turn raw scanner text into a code, or raise with a reason a shopper understands.

    `MisreadBarcode` when a check digit does not match (scan again); `NotABarcode` when the text
    is no product code of a kind the store knows.

    >>> parse_scan("]E04006381333931")
    Gtin(gtin14='04006381333931')
    >>> parse_scan("01234565")  # UPC-E, as US scanners send it
    Gtin(gtin14='00012345000065')
    >>> parse_scan("94011")
    Plu(code='94011')
    >>> parse_scan("9810123456780")
    Coupon(code='9810123456780', scheme='gs1')
    >>> parse_scan("]C10109506000134352\\x1d10ABC123").batch
    'ABC123'
    >>> parse_scan("4006381333932")
    Traceback (most recent call last):
    ...
    aisle.domain.errors.MisreadBarcode: That barcode didn't scan properly (4006381333932): please scan it again
    """  # noqa: E501
    shown = raw.strip()
    if not shown:
        raise _refusals.nothing_scanned()
    text, symbology = shown, None
    if shown.startswith("]"):
        identifier = _identifier(shown)
        symbology = identifier.gs1_symbology
        text = shown[len(identifier) :].strip()
        if not text:
            raise _refusals.nothing_scanned()
    if rules.coupon_prefixes and text.startswith(rules.coupon_prefixes):
        return Coupon(code=text, scheme="store")
    if symbology in _ADD_ONS:
        raise _refusals.add_on_only(text)
    if _LINK.match(text):
        return read_digital_link(text, rules)
    if symbology in _GS1_SOURCES:
        return read_element_string(text, _GS1_SOURCES[symbology], rules)
    if text.startswith("("):
        return read_hri(text, rules)
    if _DIGITS.fullmatch(text):
        if symbology is GS1Symbology.EAN_13_WITH_ADD_ON:
            text = _without_add_on(text)
        return _read_digits(text, symbology, rules)
    if "\x1d" in text:
        return read_element_string(text, "element-string", rules)
    raise _refusals.not_a_barcode(shown)


def normalise_gtin(text: str) -> str:
    """Return the 14-digit form of a GTIN-8/12/13/14, or raise if its check digit is wrong.

    >>> normalise_gtin("96385074")
    '00000096385074'
    """
    return _biip_gtin(text).as_gtin_14()


def _identifier(text: str) -> SymbologyIdentifier:
    try:
        if len(text) < 3:
            raise ParseError(text)
        return SymbologyIdentifier.extract(text)
    except (ParseError, ValueError):
        raise _refusals.not_a_barcode(text) from None


def _without_add_on(digits: str) -> str:
    """The main code of an EAN-13 or UPC-A read with its 2- or 5-digit add-on (``]E3``).

    The add-on (a periodical's issue, a book's price) says nothing about which product it is.
    """
    if len(digits) in (15, 18):
        return digits[:13]
    if len(digits) in (14, 17):
        return digits[:12]
    raise _refusals.wrong_length(digits)


def _read_digits(digits: str, symbology: GS1Symbology | None, rules: ScanRules) -> ScannedCode:
    length = len(digits)
    if length in (4, 5):
        if length == 5 and not digits.startswith("9"):
            raise _refusals.not_a_produce_code(digits)
        return Plu(code=digits)
    if length == 8:
        return _read_eight(digits, symbology, rules)
    if length in (12, 13, 14):
        return _read_gtin(digits, rules)
    if length > 14 and symbology is None and (message := parse_message(digits)) is not None:
        return read_message(message, "element-string", rules)
    raise _refusals.wrong_length(digits)


def _read_eight(digits: str, symbology: GS1Symbology | None, rules: ScanRules) -> ScannedCode:
    """EAN-8, or UPC-E: ``]E0`` says UPC-E, ``]E4`` EAN-8.

    Without a symbology identifier a leading 0 reads as UPC-E when its check digit fits: EAN-8
    codes starting with 0 are a company's internal numbers, UPC-E codes all start with 0.
    """
    if symbology is GS1Symbology.EAN_13 or (symbology is None and digits.startswith("0")):
        try:
            return Gtin(gtin14=_biip_gtin(Upc.parse(digits).as_upc_a()).as_gtin_14())
        except ParseError:
            if symbology is GS1Symbology.EAN_13:
                raise _refusals.misread(digits) from None
    return _read_gtin(digits, rules)


def _read_gtin(digits: str, rules: ScanRules) -> ScannedCode:
    gtin = _biip_gtin(digits)
    if gtin.format is GtinFormat.GTIN_13 and gtin.as_gtin_13().startswith(_GS1_COUPON_PREFIXES):
        return Coupon(code=gtin.as_gtin_13(), scheme="gs1")
    measure = read_variable_measure(gtin, rules)
    return measure if measure is not None else Gtin(gtin14=gtin.as_gtin_14())


def _biip_gtin(digits: str) -> BiipGtin:
    try:
        return BiipGtin.parse(digits)
    except ParseError:
        raise _refusals.misread(digits) from None
