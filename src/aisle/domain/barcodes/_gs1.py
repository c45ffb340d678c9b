"""GS1 element strings (GS1-128, GS1 DataBar, GS1 DataMatrix and QR) and GS1 Digital Link URIs.

biip does all of the parsing; this module decides what the cart needs from it: the GTIN (AI 01),
the dates, batch and serial, the net weight and the price (AI 392n, or 393n when it is in the
store's currency). Other AIs (production date, origin and the like) are read and ignored. A
North American DataBar coupon (AI 8110 or 8112) is a `Coupon`; a code with nothing but its GTIN
is a plain `Gtin`.

>>> from aisle.domain.barcodes._rules import DEFAULT_RULES
>>> read_element_string("0109506000134352\\x1d17261231", "gs1-128", DEFAULT_RULES)
Gs1Data(gtin14='09506000134352', source='gs1-128', expiry=datetime.date(2026, 12, 31), best_before=None, batch=None, serial=None, net_weight_g=None, price_minor=None)
>>> read_hri("(01)09506000134352", DEFAULT_RULES)
Gtin(gtin14='09506000134352')
"""  # noqa: E501

from __future__ import annotations

from datetime import date
from decimal import Decimal

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementStrings
from biip.gs1_messages import GS1Message

from aisle.domain.barcodes import _refusals
from aisle.domain.barcodes._codes import Coupon, Gs1Data, Gs1Source, Gtin
from aisle.domain.barcodes._measure import grams, minor_units
from aisle.domain.barcodes._rules import ScanRules

__all__ = [
    "parse_message",
    "read_digital_link",
    "read_element_string",
    "read_hri",
    "read_message",
]

#: ISO 4217 numeric codes of the currencies a store may use (AI 393n names its currency so).
_ISO_4217_NUMERIC = {
    "AUD": "036",
    "CAD": "124",
    "CHF": "756",
    "CZK": "203",
    "DKK": "208",
    "EUR": "978",
    "GBP": "826",
    "HUF": "348",
    "JPY": "392",
    "NOK": "578",
    "PLN": "985",
    "SEK": "752",
    "USD": "840",
}

#: The international avoirdupois pound, exactly.
_KG_PER_POUND = Decimal("0.45359237")


def read_element_string(text: str, source: Gs1Source, rules: ScanRules) -> Gtin | Gs1Data | Coupon:
    """A GS1 element string, FNC1 sent as the GS character (``\\x1d``)."""
    message = parse_message(text)
    if message is None:
        raise _refusals.unreadable_label(text.replace("\x1d", "<GS>"))
    return read_message(message, source, rules)


def parse_message(text: str) -> GS1Message | None:
    """The element strings in ``text``, or None where biip finds it is not a GS1 message."""
    try:
        return GS1Message.parse(text)
    except ParseError:
        return None


def read_message(
    message: GS1Message, source: Gs1Source, rules: ScanRules
) -> Gtin | Gs1Data | Coupon:
    """What the cart needs from a parsed GS1 message."""
    return _read(message.element_strings, message.as_hri(), source, rules)


def read_hri(text: str, rules: ScanRules) -> Gtin | Gs1Data | Coupon:
    """The bracketed form printed under the bars, ``(01)09506000134352(10)ABC``."""
    try:
        message = GS1Message.parse_hri(text)
    except ParseError:
        raise _refusals.unreadable_label(text) from None
    return _read(message.element_strings, message.as_hri(), "hri", rules)


def read_digital_link(uri: str, rules: ScanRules) -> Gtin | Gs1Data | Coupon:
    """A GS1 Digital Link URI, as QR codes on packs carry it; any other link is refused.

    >>> from aisle.domain.barcodes._rules import DEFAULT_RULES
    >>> read_digital_link("https://id.gs1.org/01/09506000134352/10/ABC123?17=261231",
    ...                   DEFAULT_RULES).batch
    'ABC123'
    """
    try:
        link = GS1DigitalLinkURI.parse(uri)
    except ParseError:
        raise _refusals.not_a_product_link(uri) from None
    return _read(link.element_strings, uri, "digital-link", rules)


def _read(
    elements: GS1ElementStrings, shown: str, source: Gs1Source, rules: ScanRules
) -> Gtin | Gs1Data | Coupon:
    coupon = elements.get(ai="8110") or elements.get(ai="8112")
    if coupon is not None:
        return Coupon(code=f"{coupon.ai.ai}{coupon.value}", scheme="gs1-north-america")
    product = elements.get(ai="01")
    if product is None:
        if (sscc := elements.get(ai="00")) is not None:
            raise _refusals.shipping_label(sscc.value)
        raise _refusals.no_product_number(shown)
    if product.gtin is None:
        raise _refusals.misread(product.value)
    gtin14 = product.gtin.as_gtin_14()
    data = Gs1Data(
        gtin14=gtin14,
        source=source,
        expiry=_date(elements, "17"),
        best_before=_date(elements, "15"),
        batch=_value(elements, "10"),
        serial=_value(elements, "21"),
        net_weight_g=_net_weight_g(elements),
        price_minor=_price_minor(elements, rules.currency, shown),
    )
    if data == Gs1Data(gtin14=gtin14, source=source):
        return Gtin(gtin14=gtin14)
    return data


def _value(elements: GS1ElementStrings, ai: str) -> str | None:
    found = elements.get(ai=ai)
    return None if found is None else found.value


def _date(elements: GS1ElementStrings, ai: str) -> date | None:
    found = elements.get(ai=ai)
    return None if found is None else found.date


def _net_weight_g(elements: GS1ElementStrings) -> int | None:
    if (kg := elements.get(ai="310")) is not None and kg.decimal is not None:
        return grams(kg.decimal)
    if (pounds := elements.get(ai="320")) is not None and pounds.decimal is not None:
        return grams(pounds.decimal * _KG_PER_POUND)
    return None


def _price_minor(elements: GS1ElementStrings, currency: str, shown: str) -> int | None:
    """AI 392n (in the local currency) or 393n (with its ISO 4217 code, which must be ours)."""
    if (local := elements.get(ai="392")) is not None and local.decimal is not None:
        return minor_units(local.decimal, currency)
    if (priced := elements.get(ai="393")) is not None and priced.decimal is not None:
        if priced.pattern_groups[0] != _ISO_4217_NUMERIC[currency]:
            raise _refusals.foreign_price(shown, priced.pattern_groups[0])
        return minor_units(priced.decimal, currency)
    return None
