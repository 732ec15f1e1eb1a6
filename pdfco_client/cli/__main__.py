"""``python -m pdfco_client.cli``: the same as the ``pdfco`` command."""

import sys

from . import main

sys.exit(main())
