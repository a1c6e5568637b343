"""``python -m simulator`` is the ``kmsflow`` command."""
import sys

from .cli import main

sys.exit(main())
