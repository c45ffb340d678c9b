"""A message of readings over MQTT is checked as the HTTP API checks its weight event: a
forged token, a message that is not JSON or readings of the wrong shape are refused, saying
why, and nothing else is read into them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aisle.adapters.mqtt import Refusal, broker_address, read_message
from aisle.domain.cart import ReportWeight
from aisle.services.access import TokenSigner

SIGNER = TokenSigner("a-secret-for-the-tests-0123456789-abcdef")
TOKEN = SIGNER.cart_token("c1")
TOPIC = "aisle/carts/c1/weight"


def read(body: Any, topic: str = TOPIC) -> tuple[str, ReportWeight] | Refusal:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    return read_message(topic, payload, prefix="aisle", signer=SIGNER)


def refused(body: Any, topic: str = TOPIC) -> tuple[str | None, str, str]:
    answer = read(body, topic)
    assert isinstance(answer, Refusal), answer
    return answer.event_id, answer.code, answer.message


def test_a_good_message_is_the_carts_weight_report() -> None:
    body = {"token": TOKEN, "event_id": "w-1", "samples": [[0, 412.5], [12, "x"]]}

    assert read(body) == ("c1", ReportWeight(event_id="w-1", samples=((0, 412.5), (12, "x"))))
    assert read({**body, "type": "weight"}) == read(body)


def test_a_forged_or_borrowed_token_is_refused() -> None:
    body = {"event_id": "w-1", "samples": [[0, 1]]}

    assert refused({**body, "token": TOKEN + "x"})[1] == "unauthorized"
    assert refused({**body, "token": SIGNER.cart_token("c2")})[1] == "unauthorized"
    assert refused(body)[1:] == ("unauthorized", "This cart token is not valid")
    assert refused({**body, "token": "ct1.c1.\u00e9"})[1] == "unauthorized"


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (b"{not json", "malformed_json", "not valid JSON"),
        (b"\xff\xfe", "malformed_json", "not valid JSON"),
        (b"[" * 100_000, "malformed_json", "not valid JSON"),
        (b'{"samples": [[0, 1' + b"0" * 5000 + b"]]}", "malformed_json", "not valid JSON"),
        ({"token": TOKEN, "event_id": "w1\n", "samples": [[0, 1]]}, "invalid_request",
         "event_id"),
        ([1, 2], "invalid_request", "JSON object"),
        ({"token": TOKEN, "event_id": "no spaces", "samples": [[0, 1]]}, "invalid_request",
         "event_id"),
        ({"token": TOKEN, "event_id": "w", "samples": []}, "invalid_request", "samples"),
        ({"token": TOKEN, "event_id": "w", "samples": [[0, 1, 2]]}, "invalid_request",
         "samples"),
        ({"token": TOKEN, "event_id": "w", "samples": [[0, 1]] * 4001}, "invalid_request",
         "samples"),
        ({"token": TOKEN, "event_id": "w", "samples": [[0, 1]], "price": 1}, "invalid_request",
         "'price'"),
        ({"token": TOKEN, "event_id": "w", "samples": [[0, 1]], "type": "scan"},
         "invalid_request", "type"),
    ],
)  # fmt: skip
def test_what_is_not_a_weight_report_is_refused_saying_why(
    body: Any, code: str, words: str
) -> None:
    _, got_code, message = refused(body)
    assert (got_code, words in message) == (code, True)


def test_a_message_on_another_topic_is_refused() -> None:
    body = {"token": TOKEN, "event_id": "w", "samples": [[0, 1]]}
    assert refused(body, "aisle/carts/c1/scan")[1] == "invalid_request"
    assert refused(body, "other/carts/c1/weight")[1] == "invalid_request"


def test_the_broker_address_is_an_mqtt_url() -> None:
    assert broker_address("mqtt://10.0.0.5:1884") == ("10.0.0.5", 1884)
    with pytest.raises(ValueError, match="mqtt://host"):
        broker_address("http://10.0.0.5")
