"""Ingest: a draft (text, HTML, .eml, a template file) becomes the normalised Document the critic judges."""

from critic.ingest.document import normalise, parse_eml, parse_text_file
from critic.ingest.files import read_draft

__all__ = ["normalise", "parse_eml", "parse_text_file", "read_draft"]
