"""Edge cases found in review: pickling errors, odd URLs and bodies, sources that change."""

from __future__ import annotations

import inspect
import io
import pickle
import threading
import traceback
from pathlib import Path
from typing import Any

import pytest
import requests
import responses

import pdfco_client
from pdfco_client import (
    ConfigurationError,
    InputValidationError,
    OutputWriteError,
    PdfCoClient,
    PdfCoError,
)
from pdfco_client._atomic import atomic_write
from pdfco_client._exceptions import api_error_for
from pdfco_client._pacing import RequestGate
from pdfco_client._policies import Deadline
from pdfco_client._sources import describe_source, prepare_source
from tests.unit.conftest import API_URL, STORAGE_URL, ClientFactory

ERROR_CLASSES = [
    obj
    for obj in vars(pdfco_client).values()
    if inspect.isclass(obj) and issubclass(obj, PdfCoError)
]


def _instance(cls: type[PdfCoError]) -> PdfCoError:
    samples: dict[str, Any] = {
        "JobFailedError": lambda: cls("J1", "failed", "bad", error_code=441),  # type: ignore[call-arg]
        "JobTimeoutError": lambda: cls("J1", 12.5),
        "IncompleteDownloadError": lambda: cls("short", expected=3, received=1),  # type: ignore[call-arg]
        "ConversionCancelledError": lambda: cls(job_id="J1"),  # type: ignore[call-arg]
    }
    if cls.__name__ in samples:
        made: PdfCoError = samples[cls.__name__]()
        return made
    if issubclass(cls, pdfco_client.APIError):
        return cls("refused", status_code=400, body={"error": True}, url="https://h/x")
    return cls("something went wrong")


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_error_survives_a_process_boundary(cls: type[PdfCoError]) -> None:
    error = _instance(cls)
    error.credits_spent = 7
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(copy) is cls
    assert str(copy) == str(error)
    assert copy.__dict__ == error.__dict__
    assert copy.credits_spent == 7


def test_error_table_classes_pickle_too() -> None:
    error = api_error_for(429, "slow down", retry_after=2.0, body={"status": 429})
    assert pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes.retry_after == 2.0


@pytest.mark.parametrize(
    "base_url", ["https://api.pdf.co:99999/v1", "https://[::1/v1", "https://host:abc/v1"]
)
def test_a_malformed_base_url_is_a_configuration_error(base_url: str) -> None:
    with pytest.raises(ConfigurationError):
        PdfCoClient("key", base_url=base_url)


@pytest.mark.parametrize("value", [123, b"key"])
def test_a_key_that_is_not_text_is_a_configuration_error(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="string"):
        PdfCoClient(value)


@pytest.mark.parametrize("url", ["https://h:70000/x.xlsx", "https://[bad/x.xlsx", "https://"])
def test_a_malformed_download_url_is_refused_before_any_request(
    make_client: ClientFactory, mock_http: responses.RequestsMock, tmp_path: Path, url: str
) -> None:
    with pytest.raises(InputValidationError):
        make_client().download(url, tmp_path / "x.xlsx")
    assert len(mock_http.calls) == 0


@pytest.mark.parametrize("status", ["²", "٣٠٠", "4.5e2"])
def test_odd_status_values_in_a_body_do_not_crash(
    make_client: ClientFactory, mock_http: responses.RequestsMock, status: str
) -> None:
    mock_http.add(
        "GET", f"{API_URL}/account/credit/balance", json={"status": status, "remainingCredits": 5}
    )
    assert make_client().get_credit_balance() == 5


def test_absurdly_nested_json_is_a_malformed_answer(
    make_client: ClientFactory, mock_http: responses.RequestsMock
) -> None:
    mock_http.add("GET", f"{API_URL}/account/credit/balance", body="[" * 100_000)
    with pytest.raises(pdfco_client.MalformedResponseError):
        make_client().get_credit_balance()


def test_a_storage_failure_keeps_the_signature_out_of_the_traceback(
    make_client: ClientFactory, mock_http: responses.RequestsMock, tmp_path: Path
) -> None:
    signed = f"{STORAGE_URL}/out.xlsx?X-Amz-Signature=SECRETSIG"
    mock_http.add("GET", signed, body=requests.ConnectionError(f"failed for {signed}"))
    with pytest.raises(PdfCoError) as caught:
        make_client(max_retries=0).download(signed, tmp_path / "out.xlsx")
    text = "".join(traceback.format_exception(caught.type, caught.value, caught.tb))
    assert "SECRETSIG" not in text


def test_a_file_that_grows_during_upload_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "growing.pdf"
    path.write_bytes(b"%PDF-1.4 " + b"x" * 100)
    prepared = prepare_source(path)
    reader = prepared.open()
    assert len(reader.read()) == prepared.size
    with path.open("ab") as handle:
        handle.write(b"more")
    with pytest.raises(InputValidationError, match="changed during the upload"):
        reader.read()
    reader.close()


def test_a_file_that_shrinks_during_upload_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "shrinking.pdf"
    path.write_bytes(b"%PDF-1.4 " + b"x" * 100)
    prepared = prepare_source(path)
    path.write_bytes(b"%PDF")
    reader = prepared.open()
    reader.read(2)  # the whole (short) file
    with pytest.raises(InputValidationError, match="ended after"):
        reader.read(2)
    reader.close()


def test_overwrite_false_never_replaces_a_file_that_appears_meanwhile(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"

    def write_while_another_process_does() -> None:
        with atomic_write(target, overwrite=False) as handle:
            handle.write(b"ours")
            target.write_bytes(b"theirs")  # another process got there first

    with pytest.raises(InputValidationError, match="already exists"):
        write_while_another_process_does()
    assert target.read_bytes() == b"theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_an_unwritable_destination_is_an_output_write_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_bytes(b"")
    with pytest.raises(OutputWriteError), atomic_write(blocker / "sub" / "out.xlsx") as handle:
        handle.write(b"x")


def test_source_labels_never_carry_credentials() -> None:
    assert describe_source("https://user:pw@host.example/a/b.pdf?sig=1") == (
        "https://host.example/a/b.pdf"
    )
    assert describe_source(io.BytesIO(b"x")) is None


def test_a_cancel_wakes_a_gate_closed_after_a_429() -> None:
    cancel = threading.Event()
    gate = RequestGate(None, clock=lambda: 0.0, sleep=lambda seconds: None)
    gate.close_for(30.0)
    cancel.set()
    with pytest.raises(pdfco_client.ConversionCancelledError):
        gate.wait_turn(Deadline(lambda: 0.0, None, cancel=cancel))


def test_a_plain_download_arrives_byte_for_byte(
    make_client: ClientFactory, mock_http: responses.RequestsMock, tmp_path: Path
) -> None:
    data = bytes(range(256)) * 20_000  # several 1 MiB buffers' worth, through one reused buffer
    mock_http.add("GET", f"{STORAGE_URL}/out.bin", body=data)
    path = make_client().download(f"{STORAGE_URL}/out.bin", tmp_path / "out.bin")
    assert path.read_bytes() == data
    assert make_client().download_bytes(f"{STORAGE_URL}/out.bin") == data
