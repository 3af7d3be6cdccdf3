"""Documents → chunks → embeddings → stores → retriever."""
