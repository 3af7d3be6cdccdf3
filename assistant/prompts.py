"""Prompt templates are files in prompts/, rendered strictly: a missing variable is an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from assistant.errors import UserError


class Prompts:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._texts: dict[str, str] = {}
        self.env = Environment(
            loader=FileSystemLoader(str(directory)),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(self, name: str, **variables: Any) -> str:
        try:
            return self.env.get_template(name).render(**variables).strip()
        except TemplateNotFound:
            raise UserError(f"prompt template {self.directory / name} is missing") from None

    def text(self, name: str) -> str:
        """A plain text file from prompts/, read once."""
        if name not in self._texts:
            path = self.directory / name
            if not path.exists():
                raise UserError(f"prompt file {path} is missing")
            self._texts[name] = path.read_text(encoding="utf-8").strip()
        return self._texts[name]
