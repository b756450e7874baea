"""Importing files into the store: recognised by content, atomic, idempotent, logged."""

from __future__ import annotations

from swp_data.importing.errors import ImportFailure
from swp_data.importing.loader import FileReport, ImportReport, import_paths

__all__ = ["FileReport", "ImportFailure", "ImportReport", "import_paths"]
