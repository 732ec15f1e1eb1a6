"""``python -m pdfco_client.emulator``: same as the ``pdfco-emulator`` command."""

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
