"""The Oudersteunpunt knowledge base: articles, contact details, opening hours.

Plain Python (standard library + PyYAML): imported by both the gateway and the
Rasa side. Rasa-only modules (importer, tokenizer) are never imported from here.
"""
from pathlib import Path

KNOWLEDGE_DIR = Path(__file__).resolve().parent
ARTICLES_DIR = KNOWLEDGE_DIR / "articles"
