"""What langchain-ibm does beyond watsonx.ai's translation
(`chatplex.adapters.partner_traits.PartnerTraits`), read only by `chatplex.langchain`:
its structured runs' traces name the schema as the tool it binds.

>>> TRAITS["WatsonxAdapter"].structured_trace_schema["function_calling"]
'openai tool'
"""

from __future__ import annotations

from ...adapters.partner_traits import PartnerTraits

__all__ = ["TRAITS"]

#: The watsonx.ai adapter's record.
TRAITS: dict[str, PartnerTraits] = {
    "WatsonxAdapter": PartnerTraits(
        # langchain-ibm's `with_structured_output` binds a function_calling or json_schema
        # schema as its OpenAI tool (`convert_to_openai_tool`) and traces that; json_mode's
        # as given.
        structured_trace_schema={
            "function_calling": "openai tool",
            "json_schema": "openai tool",
            "json_mode": "given",
        },
    ),
}
