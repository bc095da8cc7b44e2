"""``python -m faasguard``: the same as the ``faasguard`` command."""

import sys

from faasguard.cli.main import main

sys.exit(main())
