"""A chat assistant that answers questions about a folder of documents, citing its passages."""

__version__ = "0.1.0"
