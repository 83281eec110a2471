"""How a chat model is chosen and built: `init_chat_model` (`factory.py`), the provider
registry (`registry.py`), configuration profiles from the environment and config files
(`profiles.py`), models picked per call from `config["configurable"]`
(`configurable.py`, `configurable_fields.py`), and `ModelRouter` (`router.py`)."""
