"""What the collaborators of `ChatChatplex` (`langchain/model.py`) read and set of it,
as protocols: `generation.py`, `settings_fields.py`, `structured.py`, `tool_binding.py`
and `trace_params.py` take a `LangChainChat`, `dropin_settings.py` a drop-in class as an
`EngineClass`, and none imports the model classes (which import them).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar
from typing import Literal
from typing import Protocol
from typing import Self

if TYPE_CHECKING:
    from langchain_core.language_models import LanguageModelInput
    from langchain_core.messages import AIMessage as LCAIMessage
    from langchain_core.prompt_values import PromptValue
    from langchain_core.runnables import Runnable as LCRunnable
    from pydantic import SecretStr

    from ..chat.partner_record import PartnerClass

__all__ = ["EngineClass", "LangChainChat"]


class LangChainChat(Protocol):
    """A `ChatChatplex` (a drop-in's LangChain object too): its fields, the chatplex
    model its calls go through (`chatplex_model`), and the copies it binds on."""

    model: str | None
    temperature: float | None
    streaming: bool | None
    api_key: SecretStr | None
    chatplex_profile: str | None
    model_kwargs: dict[str, Any]
    chatplex_model: Any
    disable_streaming: bool | Literal["tool_calling"]
    verbose: bool
    _under_partner_name: ClassVar[bool]
    _record: ClassVar[PartnerClass | None]

    @property
    def _llm_type(self) -> str: ...
    @property
    def _wire(self) -> str: ...
    @property
    def _sent_model_name(self) -> str: ...

    def _setting(self, name: str, engine: Any = None) -> Any: ...

    def _convert_input(self, model_input: LanguageModelInput) -> PromptValue: ...

    def _mask_credentials(self) -> None: ...

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> Self: ...

    def bind(self, **kwargs: Any) -> LCRunnable[LanguageModelInput, LCAIMessage]: ...

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any
    ) -> LCRunnable[LanguageModelInput, LCAIMessage]: ...


class EngineClass(Protocol):
    """A drop-in's LangChain class (`DropInChatModel`'s): the partner class's record it
    builds its model from."""

    _record: ClassVar[PartnerClass]
