"""Files as Perplexity's `file_url` parts (`Profile.file_url_parts`), on the OpenAI
adapter's wire messages and through the Perplexity preset's request."""

from __future__ import annotations

from chatplex import messages as cp
from chatplex.adapters.request_types import CallSettings
from chatplex.providers.compatible.adapter import preset_adapter_class
from chatplex.providers.compatible.file_parts import with_file_url_parts

PDF = {"type": "file", "base64": "JVBERi0xLjQK", "mime_type": "application/pdf"}
TEXT = {"type": "text", "text": "Summarise this."}


def test_an_inline_file_is_a_file_url_part_and_the_rest_stays() -> None:
    inline = {"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBE"}}
    by_id = {"type": "file", "file": {"file_id": "file-1"}}
    plain = {"role": "user", "content": "hi"}
    messages = [{"role": "user", "content": [TEXT, inline, by_id]}, plain]
    converted = with_file_url_parts(messages)
    assert converted[0]["content"] == [
        TEXT,
        {"type": "file_url", "file_url": {"url": "JVBE"}},  # no name given: none sent
        by_id,  # Perplexity has no Files API: as it is
    ]
    assert converted[1] is plain and messages[0]["content"][1] is inline  # given unchanged


def test_data_that_is_no_base64_data_url_goes_as_it_is() -> None:
    part = {"type": "file", "file": {"file_data": "https://x.example/a.pdf", "filename": "a"}}
    [message] = with_file_url_parts([{"role": "user", "content": [part]}])
    assert message["content"] == [
        {"type": "file_url", "file_url": {"url": "https://x.example/a.pdf"}, "file_name": "a"}
    ]


def test_only_the_perplexity_preset_sends_file_url_parts() -> None:
    history = [cp.HumanMessage([TEXT, {**PDF, "filename": "a.pdf"}])]

    def sent(name: str) -> object:
        adapter = preset_adapter_class(name)(api_key="k", base_url="http://127.0.0.1:9")
        request = adapter.build_request(history, CallSettings(model="m"), stream=False)
        return request.json["messages"][0]["content"][1]

    url = {"url": "JVBERi0xLjQK"}
    assert sent("perplexity") == {"type": "file_url", "file_url": url, "file_name": "a.pdf"}
    assert sent("groq")["type"] == "file"  # type: ignore[index]
