"""Contact details of the Oudersteunpunt (data in knowledge/contact.yml)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from knowledge import KNOWLEDGE_DIR


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    whatsapp: str
    email: str
    website: str
    hours: str

    def as_text(self) -> str:
        """The contact options as a parent reads them (Dutch)."""
        return (
            f"Je kunt het Oudersteunpunt bereiken {self.hours}:\n"
            f"- bellen: {self.phone}\n"
            f"- WhatsApp: {self.whatsapp}\n"
            f"- mailen: {self.email}\n"
            f"Meer informatie: {self.website}"
        )


@lru_cache(maxsize=1)
def contact() -> Contact:
    data = yaml.safe_load((KNOWLEDGE_DIR / "contact.yml").read_text(encoding="utf-8"))
    return Contact(**data)
