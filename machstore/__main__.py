"""``python -m machstore`` is the ``machstore`` command."""
import sys

from machstore.cli import main

if __name__ == "__main__":
    sys.exit(main())
