"""A worker for the multiprocessing test: what a Dask, Ray or Celery task would look like.

Each worker process builds its own client from the environment (PDFCO_API_KEY, PDFCO_BASE_URL):
clients hold a connection pool and must not be pickled across processes.
"""

from __future__ import annotations

from pathlib import Path

from pdfco_client import PdfCoClient


def convert_in_worker(job: tuple[str, str]) -> tuple[str, int]:
    source, output = job
    with PdfCoClient(poll_interval=0.02, max_poll_interval=0.1) as client:
        result = client.convert_pdf_to_xlsx(source, output=output)
    return str(Path(output).name), result.page_count or 0
