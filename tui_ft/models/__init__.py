"""Model folders: verification (layout, headers, manifest, sha256), listing and download."""

from tui_ft.models.listing import ModelEntry, list_models, record_verification
from tui_ft.models.remote import verify_model
from tui_ft.models.report import FileEntry, ModelReport

__all__ = [
    "FileEntry",
    "ModelEntry",
    "ModelReport",
    "list_models",
    "record_verification",
    "verify_model",
]
