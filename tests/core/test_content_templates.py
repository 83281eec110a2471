import pytest

from chatplex.core import ChatPromptTemplate


def test_an_image_url_variable_becomes_an_image_part() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [("human", ["Describe:", {"type": "image_url", "image_url": "{img}"}])]
    )
    assert prompt.input_variables == ["img"]
    content = prompt.format_messages(img="https://x/cat.png")[0].content
    assert content == [
        {"type": "text", "text": "Describe:"},
        {"type": "image_url", "image_url": {"url": "https://x/cat.png"}},
    ]


def test_an_image_template_takes_one_variable_and_needs_a_url() -> None:
    with pytest.raises(ValueError, match="Only one format variable"):
        ChatPromptTemplate.from_messages(
            [("human", [{"type": "image_url", "image_url": "{a}{b}"}])]
        )
    prompt = ChatPromptTemplate.from_messages(
        [("human", [{"type": "image_url", "image_url": "{img}"}])]
    )
    with pytest.raises(ValueError, match="Must provide url"):
        prompt.format_messages(img="")


def test_other_parts_keep_their_shape_filled_in() -> None:
    block = dict(type="file", source_type="base64", mime_type="application/pdf", data="{pdf}")
    prompt = ChatPromptTemplate.from_messages([("human", [block])])
    assert prompt.format_messages(pdf="JVBER")[0].content == [{**block, "data": "JVBER"}]
