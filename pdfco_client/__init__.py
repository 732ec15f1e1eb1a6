"""pdfco_client: a typed, synchronous client for the PDF.co Web API."""

from ._version import __version__

__all__ = ["__version__"]
