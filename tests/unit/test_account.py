"""Account and document calls, and the client's lifecycle."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from pdfco_client import InputValidationError, MalformedResponseError, PdfCoClient, PdfInfo
from pdfco_client.testing import PdfCoMock
from tests.unit.conftest import API_URL, STORAGE_URL, ClientFactory, paths

INFO = f"{API_URL}/pdf/info"


def test_credit_balance(client: PdfCoClient, fake: PdfCoMock) -> None:
    assert client.get_credit_balance() == 998
    assert client.get_credit_balance() == 996
    assert paths(fake) == ["GET /v1/account/credit/balance"] * 2


def test_credit_balance_as_a_numeric_string(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    mock_http.add("GET", f"{API_URL}/account/credit/balance", json={"remainingCredits": "77"})
    assert client.get_credit_balance() == 77


def test_pdf_info(client: PdfCoClient, mock_http: responses.RequestsMock) -> None:
    info = {"PageCount": 4, "Encrypted": False, "Title": "Q3", "PermissionPrinting": True}
    mock_http.add("POST", INFO, json={"info": info, "error": False, "status": 200})
    result = client.get_pdf_info(f"{STORAGE_URL}/a.pdf", password="pw")
    assert isinstance(result, PdfInfo)
    assert (result.page_count, result.encrypted, result.title) == (4, False, "Q3")
    assert result.model_extra == {"PermissionPrinting": True}
    sent = json.loads(mock_http.calls[0].request.body or b"")
    assert sent == {"url": f"{STORAGE_URL}/a.pdf", "async": False, "password": "pw"}


@pytest.mark.parametrize("body", [{"error": False}, {"info": "n/a"}, {"info": {"Title": "x"}}])
def test_pdf_info_without_a_usable_info_is_malformed(
    client: PdfCoClient, mock_http: responses.RequestsMock, body: dict[str, object]
) -> None:
    mock_http.add("POST", INFO, json=body)
    with pytest.raises(MalformedResponseError):
        client.get_pdf_info(f"{STORAGE_URL}/a.pdf")


def test_pdf_info_refuses_a_non_url(client: PdfCoClient, mock_http: responses.RequestsMock) -> None:
    with pytest.raises(InputValidationError):
        client.get_pdf_info("a.pdf")
    assert len(mock_http.calls) == 0


def test_user_agent_names_the_client(client: PdfCoClient, fake: PdfCoMock) -> None:
    client.get_credit_balance()
    assert fake.calls[0].headers["user-agent"].startswith("pdfco-client/")


def test_a_callers_session_is_used_and_left_open(
    make_client: ClientFactory, mock_http: responses.RequestsMock
) -> None:
    mock_http.add("GET", f"{API_URL}/account/credit/balance", json={"remainingCredits": 1})
    with requests.Session() as session:
        session.headers["X-Trace"] = "t-1"
        with make_client(session=session) as client:
            client.get_credit_balance()
        assert session.adapters  # close() left the caller's session alone
        assert mock_http.calls[0].request.headers["X-Trace"] == "t-1"
        assert session.get(f"{API_URL}/account/credit/balance").status_code == 200
