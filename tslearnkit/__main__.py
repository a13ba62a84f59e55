"""``python -m tslearnkit`` is the same as the ``tslearnkit`` command."""

from .course.cli import main

raise SystemExit(main())
