"""``python -m simulator`` is the ``kmsflow`` command."""
import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the command is still being loaded: the same one line as later
    print("kmsflow: interrupted", file=sys.stderr)
    sys.exit(130)  # cli.EXIT_INTERRUPTED

sys.exit(main())
