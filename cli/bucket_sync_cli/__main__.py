"""``python -m bucket_sync_cli``: the same as the ``bucket-sync`` command."""

from __future__ import annotations

from bucket_sync_cli.main import main

raise SystemExit(main())
