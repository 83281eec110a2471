"""The partners' readings of a Gemini reply's code execution and media parts
(providers/google/reply_parts.py); side by side in tests/partners/google and /vertex."""

from __future__ import annotations

import base64
import doctest
import io
import wave

from chatplex.providers.google import reply_parts
from chatplex.providers.google.reply_parts import audio_wav
from chatplex.providers.google.reply_parts import genai_block
from chatplex.providers.google.reply_parts import vertex_block


def test_parts_a_partner_leaves_out_are_empty_and_others_none() -> None:
    for part in (
        {"executableCode": {"code": "x"}},
        {"codeExecutionResult": {"outcome": "OUTCOME_OK"}},
    ):
        assert genai_block(part, None, "id") == {} and vertex_block(part) == {}
    assert genai_block({"text": "hi"}, None, "id") is None and vertex_block({"text": "hi"}) is None
    # (langchain-google-vertexai leaves out a result of no outcome; -genai reads it as OK)
    no_outcome = {"codeExecutionResult": {"output": "3"}}
    assert vertex_block(no_outcome) == {} and genai_block(no_outcome, None, "")["outcome"] == 1


def test_an_image_is_a_data_url_signed_under_genai_only() -> None:
    part = {"inlineData": {"mimeType": "image/png", "data": "AAAA"}}
    url = {"url": "data:image/png;base64,AAAA"}
    assert genai_block(part, "sig", "") == {
        "type": "image_url",
        "image_url": url,
        "extras": {"signature": "sig"},
    }
    assert vertex_block(part) == {"type": "image_url", "image_url": url}


def test_speech_is_a_wav_file_of_the_pcm_data() -> None:
    pcm = bytes(range(8))
    wav = audio_wav(
        {"inlineData": {"mimeType": "audio/L16", "data": base64.b64encode(pcm).decode()}}
    )
    assert wav is not None
    with wave.open(io.BytesIO(wav)) as read:
        assert (read.getnchannels(), read.getsampwidth(), read.getframerate()) == (1, 2, 24000)
        assert read.readframes(4) == pcm
    assert audio_wav({"inlineData": {"mimeType": "image/png", "data": "AAAA"}}) is None


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(reply_parts)
    assert tried and not failures
