"""kb: turn news articles and curated entity files into a cross-linked knowledge base."""

__version__ = "0.1.0"
