"""One folder per wire: its declared spec (`spec.py`, pure data, read through
`chatplex.specs`) beside its translation. Folders sit side by side and reach only down
(the kit in `chatplex.adapters`, the chat models in `chatplex.chat`); none imports
another. See ARCHITECTURE.md, "Adding a provider"."""
