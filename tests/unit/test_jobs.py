"""Background jobs: ``check_job`` and the polling of ``wait_for_job``."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import responses

from pdfco_client import (
    InputValidationError,
    JobFailedError,
    JobState,
    JobTimeoutError,
    PdfCoClient,
    PollPolicy,
    ServerError,
)
from pdfco_client.testing import PdfCoMock
from tests.unit.conftest import API_URL, STORAGE_URL, ClientFactory, FakeClock, attach

CHECK = f"{API_URL}/job/check"
JOB_ID = "6YSZD3U872ZYYFEDMQCQSGEEO8YSF5WA--151-300"


def check_bodies(fake: PdfCoMock) -> list[dict[str, Any]]:
    return [call.json() for call in fake.calls_to("job/check")]


def test_check_job_reads_every_field_and_keeps_unknown_ones(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    answer = {
        "status": "success",
        "message": "Success",
        "jobId": JOB_ID,
        "url": f"{STORAGE_URL}/{JOB_ID}/out.json?X-Amz-Expires=3600",
        "pageCount": 12,
        "credits": 2,
        "remainingCredits": 1480582,
        "duration": 31,
        "jobDuration": 4.5,
        "outputLinkValidTill": "2025-08-11T17:09:13.263623+00:00",
        "error": False,
        "errorCode": 0,
        "queuePosition": 3,
    }
    mock_http.add("POST", CHECK, json=answer)
    status = client.check_job(f"  {JOB_ID} ")
    assert status.status is JobState.SUCCESS
    assert status.status_text == "success"
    assert (status.message, status.job_id, status.url) == ("Success", JOB_ID, answer["url"])
    assert (status.page_count, status.credits, status.remaining_credits) == (12, 2, 1480582)
    assert (status.duration, status.job_duration) == (31.0, 4.5)
    assert status.output_link_valid_till == datetime(
        2025, 8, 11, 17, 9, 13, 263623, tzinfo=timezone.utc
    )
    assert (status.error, status.error_code) == (False, 0)
    assert status.model_extra == {"queuePosition": 3}
    sent = json.loads(mock_http.calls[0].request.body or b"")
    assert sent == {"jobid": JOB_ID, "force": False}


def test_check_job_force_is_sent(client: PdfCoClient, mock_http: responses.RequestsMock) -> None:
    mock_http.add("POST", CHECK, json={"status": "unknown"})
    assert client.check_job(JOB_ID, force=True).status is JobState.UNKNOWN
    assert json.loads(mock_http.calls[0].request.body or b"")["force"] is True


@pytest.mark.parametrize("state", ["queued", "Pending", "in-progress"])
def test_unrecognised_states_read_as_working_and_keep_their_text(
    client: PdfCoClient, mock_http: responses.RequestsMock, state: str
) -> None:
    mock_http.add("POST", CHECK, json={"status": state})
    status = client.check_job(JOB_ID)
    assert status.status is JobState.WORKING
    assert status.status_text == state


@pytest.mark.parametrize(
    ("raw", "state"), [("SUCCESS", JobState.SUCCESS), (" Failed ", JobState.FAILED)]
)
def test_known_states_are_read_whatever_their_case(
    client: PdfCoClient, mock_http: responses.RequestsMock, raw: str, state: JobState
) -> None:
    mock_http.add("POST", CHECK, json={"status": raw})
    assert client.check_job(JOB_ID).status is state


def test_an_unreadable_timestamp_does_not_fail_the_check(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    mock_http.add("POST", CHECK, json={"status": "working", "outputLinkValidTill": "tomorrow-ish"})
    assert client.check_job(JOB_ID).output_link_valid_till is None


def test_wait_for_job_until_success(
    client: PdfCoClient, mock_http: responses.RequestsMock, clock: FakeClock
) -> None:
    fake = attach(mock_http)
    fake.add_job(JOB_ID, checks=3)
    status = client.wait_for_job(JOB_ID)
    assert status.status is JobState.SUCCESS
    assert status.url is not None
    assert status.url.startswith(f"{STORAGE_URL}/{JOB_ID}/result.json?")
    assert len(check_bodies(fake)) == 4
    assert len(clock.sleeps) == 3


@pytest.mark.parametrize("outcome", ["failed", "aborted"])
def test_a_job_that_ends_badly_raises_job_failed(
    client: PdfCoClient, mock_http: responses.RequestsMock, outcome: str
) -> None:
    fake = attach(mock_http)
    fake.add_job(JOB_ID, checks=1, outcome=outcome, message=f"job {outcome}")
    with pytest.raises(JobFailedError) as caught:
        client.wait_for_job(JOB_ID)
    assert (caught.value.job_id, caught.value.status) == (JOB_ID, outcome)
    assert caught.value.message == f"job {outcome}"
    assert JOB_ID in str(caught.value)
    assert outcome in str(caught.value)
    assert len(check_bodies(fake)) == 2


def test_a_failed_job_reported_with_an_error_flag_is_a_job_failure(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    # The shape the reference (section 3.11) infers for a failed job: status, message, error, code.
    body = {"status": "failed", "message": "damaged PDF", "error": True, "errorCode": 442}
    mock_http.add("POST", CHECK, json={**body, "jobId": JOB_ID})
    with pytest.raises(JobFailedError) as caught:
        client.wait_for_job(JOB_ID)
    assert (caught.value.job_id, caught.value.status) == (JOB_ID, "failed")
    assert caught.value.message == "damaged PDF"


def test_a_job_id_pdfco_does_not_know_fails_fast(
    client: PdfCoClient, fake: PdfCoMock, clock: FakeClock
) -> None:
    assert client.check_job("NOSUCHJOB").status is JobState.WORKING
    assert client.check_job("NOSUCHJOB", force=True).status is JobState.UNKNOWN
    before = len(fake.calls)
    with pytest.raises(JobFailedError) as caught:
        client.wait_for_job("NOSUCHJOB", timeout=600)
    assert (caught.value.job_id, caught.value.status) == ("NOSUCHJOB", "unknown")
    assert caught.value.message
    assert len(fake.calls) == before + 1
    assert clock.sleeps == []


@pytest.mark.parametrize("timeout", [10.0, 0.5])
def test_deadline_raises_job_timeout_without_sleeping_past_it(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock, timeout: float
) -> None:
    fake = attach(mock_http, working_checks=10_000)
    fake.add_job(JOB_ID)
    with pytest.raises(JobTimeoutError) as caught:
        make_client(poll_interval=1.0, max_poll_interval=2.0).wait_for_job(JOB_ID, timeout=timeout)
    assert caught.value.job_id == JOB_ID
    assert f"wait_for_job({JOB_ID!r})" in str(caught.value)
    assert clock.now <= timeout
    assert timeout - 2.0 <= caught.value.waited <= timeout
    assert len(check_bodies(fake)) >= 1


def test_the_default_deadline_is_job_timeout(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock
) -> None:
    attach(mock_http, working_checks=10_000).add_job(JOB_ID)
    with pytest.raises(JobTimeoutError):
        make_client(job_timeout=30.0).wait_for_job(JOB_ID)
    assert 20.0 <= clock.now <= 30.0


#: A schedule without jitter, so that tests can name each check's time: 0.8, 1.2, 1.8, 2.7,
#: 4.05, 6.075 (from 5 s on, waits are 25 % of the age), then waits of 3 s at most.
EXACT = PollPolicy(
    first_check=0.8,
    min_interval=0.4,
    growth=1.5,
    long_job_after=5.0,
    long_job_growth=1.25,
    max_interval=3.0,
    jitter=0.0,
)


def path_of(request: requests.PreparedRequest) -> str:
    return urlsplit(request.url or "").path


def check_ages(clock: FakeClock, ages: list[float]) -> Any:
    """An ``on_request`` hook that records the clock when each job check is sent."""

    def record(request: requests.PreparedRequest) -> None:
        if path_of(request).endswith("/job/check"):
            ages.append(clock.now)

    return record


def test_the_schedule_runs_from_the_start_and_never_checks_a_job_just_started(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock
) -> None:
    ages: list[float] = []
    attach(mock_http, working_checks=9, on_request=check_ages(clock, ages))
    client = make_client(poll=EXACT)
    job = client.start_conversion("https://example.com/a.pdf", "csv")
    clock.advance(0.3)  # the caller does something else before waiting
    assert client.wait_for_job(job.job_id).status is JobState.SUCCESS
    expected = EXACT.check_times(until=20.0)[:10]
    assert expected[:7] == pytest.approx([0.8, 1.2, 1.8, 2.7, 4.05, 6.075, 7.59375])
    assert ages == pytest.approx(expected)
    assert clock.sleeps[0] == pytest.approx(0.8 - 0.3)


def test_slow_checks_do_not_push_the_schedule_back_and_missed_times_are_skipped(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock
) -> None:
    ages: list[float] = []
    record = check_ages(clock, ages)

    def slow(request: requests.PreparedRequest) -> None:
        record(request)
        if path_of(request).endswith("/job/check"):
            clock.advance(0.25 if len(ages) != 2 else 1.0)  # the second check takes 1 s

    attach(mock_http, working_checks=4, on_request=slow)
    client = make_client(poll=EXACT)
    client.wait_for_job(client.start_conversion("https://example.com/a.pdf", "csv").job_id)
    # 1.8 s was missed while the second check (sent at 1.2 s) took until 2.2 s.
    assert ages == pytest.approx([0.8, 1.2, 2.7, 4.05, 6.075])
    assert clock.sleeps == pytest.approx([0.8, 0.4 - 0.25, 2.7 - 2.2, 4.05 - 2.95, 6.075 - 4.3])


def test_a_job_started_elsewhere_is_checked_at_once_then_on_schedule(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock
) -> None:
    ages: list[float] = []
    fake = attach(mock_http, working_checks=4, on_request=check_ages(clock, ages))
    fake.add_job(JOB_ID)
    make_client(poll=EXACT).wait_for_job(JOB_ID)
    assert ages == pytest.approx([0.0, 0.8, 1.2, 1.8, 2.7])


def test_a_one_call_conversion_first_checks_at_the_first_check_time(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock, tmp_path: Any
) -> None:
    started: list[float] = []
    ages: list[float] = []
    record = check_ages(clock, ages)

    def hook(request: requests.PreparedRequest) -> None:
        record(request)
        if "/pdf/convert/to/" in path_of(request):
            started.append(clock.now)
        clock.advance(0.05)  # every request takes 50 ms

    attach(mock_http, working_checks=2, on_request=hook)
    pdf = tmp_path / "in.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")
    make_client(poll=EXACT).convert_pdf_to_csv(pdf)
    answered = started[0] + 0.05
    assert [age - answered for age in ages] == pytest.approx([0.8, 1.2, 1.8])


def test_jitter_moves_a_jobs_checks_earlier_alike_and_the_same_on_every_run(
    make_client: ClientFactory, mock_http: responses.RequestsMock, clock: FakeClock
) -> None:
    jittered = EXACT.replace(jitter=0.1)
    runs: list[list[float]] = []
    for _ in range(2):
        ages: list[float] = []
        fake = attach(mock_http, working_checks=8, on_request=check_ages(clock, ages))
        fake.add_job(JOB_ID)
        start = clock.now
        make_client(poll=jittered).wait_for_job(JOB_ID)
        runs.append([age - start for age in ages[1:]])  # the first, immediate check aside
    assert runs[0] == pytest.approx(runs[1])
    exact = EXACT.check_times(until=20.0)[: len(runs[0])]
    steps = [min(EXACT.first_check, EXACT.min_interval)] + [
        later - earlier for earlier, later in zip(exact, exact[1:])
    ]
    shifts = [(at - age) / step for at, age, step in zip(exact, runs[0], steps)]
    assert all(0 < shift <= 0.1 for shift in shifts)
    assert max(shifts) - min(shifts) == pytest.approx(0.0, abs=1e-9)  # one phase per job


def test_force_is_sent_on_the_first_check_and_every_tenth(
    client: PdfCoClient, mock_http: responses.RequestsMock
) -> None:
    fake = attach(mock_http, working_checks=24)
    fake.add_job(JOB_ID)
    client.wait_for_job(JOB_ID, timeout=10_000)
    forced = [i for i, body in enumerate(check_bodies(fake)) if body["force"] is True]
    assert forced == [0, 10, 20]
    assert all(body["jobid"] == JOB_ID for body in check_bodies(fake))


@pytest.mark.parametrize("code", [500, 502, 503, 504])
def test_server_errors_while_polling_are_retried(
    client: PdfCoClient, mock_http: responses.RequestsMock, code: int
) -> None:
    fake = attach(mock_http, working_checks=1)
    fake.add_job(JOB_ID)
    fake.fail_next("job/check", status=code, body="gateway trouble", times=2)
    assert client.wait_for_job(JOB_ID).status is JobState.SUCCESS
    assert len(check_bodies(fake)) == 4


def test_polling_gives_up_when_server_errors_outlast_the_retries(
    make_client: ClientFactory, mock_http: responses.RequestsMock
) -> None:
    fake = attach(mock_http)
    fake.add_job(JOB_ID)
    fake.fail_next("job/check", status=503, body="down", times=100)
    with pytest.raises(ServerError):
        make_client(max_retries=2).wait_for_job(JOB_ID)
    assert len(check_bodies(fake)) == 3


@pytest.mark.parametrize(
    "job_id", ["", "   ", "a b", "../../etc/passwd", "-leading-dash", "job/1", "x" * 129, None, 42]
)
def test_bad_job_ids_are_refused_before_any_request(
    client: PdfCoClient, mock_http: responses.RequestsMock, job_id: Any
) -> None:
    with pytest.raises(InputValidationError) as first:
        client.check_job(job_id)
    with pytest.raises(InputValidationError):
        client.wait_for_job(job_id)
    assert first.value.parameter == "job_id"
    assert len(mock_http.calls) == 0
