"""A camera frame in, the codes in it out, each read as the same scan a handheld would send."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import segno
from PIL import Image

from aisle.api.scanning import MAX_IMAGE_BYTES
from tests.api.conftest import Api, Cart

URL = "/api/v1/scan-image"


def post_image(cart: Cart, data: bytes, content_type: str = "image/png") -> Any:
    headers = {**cart.auth, "Content-Type": content_type}
    return cart.client.post(URL, content=data, headers=headers)


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=4)
    return buffer.getvalue()


def sample(shared_data: Path, name: str) -> tuple[bytes, str]:
    image = shared_data / "zxing-retail-samples" / name
    return image.read_bytes(), image.with_suffix(".txt").read_text()


@pytest.mark.parametrize(
    ("name", "content_type", "kind", "gtin"),
    [
        ("ean13-1/10.webp", "image/webp", "gtin", "08480010001136"),
        ("upce-1/1.png", "image/png", "gtin", "00012345000065"),
        ("rss14-1/1.png", "image/png", "gtin", "04412345678909"),
        ("rssexpanded-3/1.png", "image/png", "gs1", "90012345678908"),
        ("rssexpandedstacked-2/1.png", "image/png", "coupon", None),
    ],
    ids=["ean-13", "upc-e", "databar-omni", "databar-expanded", "databar-coupon"],
)
def test_a_real_sample_photo_decodes_to_its_expected_text(
    api: Api, shared_data: Path, name: str, content_type: str, kind: str, gtin: str | None
) -> None:
    data, expected = sample(shared_data, name)
    response = post_image(api.new_cart(), data, content_type)
    assert response.status_code == 200, response.text
    [code] = response.json()["codes"]
    assert code["text"] == expected
    assert code["scanner_text"] == code["symbology"] + expected
    assert (code["kind"], code["gtin"], code["message"]) == (kind, gtin, None)


def test_the_answer_says_everything_a_scan_needs(api: Api, shared_data: Path) -> None:
    data, _ = sample(shared_data, "ean13-1/10.webp")
    response = post_image(api.new_cart(), data, "image/webp")
    assert response.json() == {
        "codes": [
            {
                "text": "8480010001136",
                "scanner_text": "]E08480010001136",
                "symbology": "]E0",
                "format": "EAN-13",
                "kind": "gtin",
                "gtin": "08480010001136",
                "message": None,
            }
        ]
    }


def test_a_digital_link_qr_code_is_a_gs1_code(api: Api) -> None:
    link = "https://id.gs1.org/01/09506000134352/10/ABC123?17=261231"
    response = post_image(api.new_cart(), qr_png(link))
    assert response.status_code == 200, response.text
    [code] = response.json()["codes"]
    assert code["scanner_text"] == "]Q1" + link
    assert (code["kind"], code["gtin"], code["format"]) == ("gs1", "09506000134352", "QR Code")


def test_a_code_that_is_no_product_says_why(api: Api) -> None:
    response = post_image(api.new_cart(), qr_png("https://example.com/"))
    [code] = response.json()["codes"]
    assert code["kind"] == "unreadable"
    assert code["gtin"] is None
    assert "web link (https://example.com/), not a product code" in code["message"]


def test_a_frame_without_a_code_finds_nothing(api: Api) -> None:
    buffer = io.BytesIO()
    Image.new("L", (320, 240), 255).save(buffer, format="JPEG")
    response = post_image(api.new_cart(), buffer.getvalue(), "image/jpeg")
    assert response.status_code == 200, response.text
    assert response.json() == {"codes": []}


def test_decoding_a_frame_changes_nothing_in_the_cart(api: Api, shared_data: Path) -> None:
    cart = api.new_cart()
    before = cart.state()
    post_image(cart, sample(shared_data, "ean13-1/10.webp")[0], "image/webp")
    assert cart.state() == before


@pytest.mark.parametrize(
    ("data", "content_type", "status", "code", "message"),
    [
        (b"not an image at all", "image/png", 422, "not_an_image", "not a readable PNG"),
        (b"", "image/png", 422, "not_an_image", "body is empty"),
        (b"GIF89a", "image/gif", 415, "unsupported_media_type", "expected image/png"),
        (b"{}", "application/json", 415, "unsupported_media_type", "'application/json'"),
        (b"\0" * (MAX_IMAGE_BYTES + 1), "image/png", 413, "too_large", "over 10 MB"),
    ],
    ids=["not-an-image", "empty", "gif", "json", "too-large"],
)
def test_what_is_not_a_frame_is_refused_with_a_clear_error(
    api: Api, data: bytes, content_type: str, status: int, code: str, message: str
) -> None:
    response = post_image(api.new_cart(), data, content_type)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert message in error["message"]


def test_a_gif_sent_as_png_is_refused(api: Api) -> None:
    buffer = io.BytesIO()
    Image.new("L", (8, 8), 255).save(buffer, format="GIF")
    response = post_image(api.new_cart(), buffer.getvalue())
    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "The upload is a GIF image: expected PNG, JPEG or WebP"
    )


def test_without_a_token_it_is_refused(api: Api) -> None:
    response = api.client.post(URL, content=qr_png("4011"), headers={"Content-Type": "image/png"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("who", ["staff", "device", "forged"])
def test_only_a_cart_token_may_ask(api: Api, who: str) -> None:
    token = {
        "staff": api.staff_token(),
        "device": api.device_token,
        "forged": "ct1.cart.forged",
    }[who]
    response = api.client.post(
        URL,
        content=qr_png("4011"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "image/png"},
    )
    assert response.status_code == 401
