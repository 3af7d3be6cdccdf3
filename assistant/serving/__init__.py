"""The front ends: the Gradio chat, the HTTP API, and what they share (workspace, conversations)."""
