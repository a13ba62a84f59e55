"""``python -m tslearnkit`` is the same as the ``tslearnkit`` command."""

from .cli import main

raise SystemExit(main())
