import pytest

from chatplex.core import ChatPromptTemplate
from chatplex.core import MessagesPlaceholder


def test_each_part_is_a_titled_block() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Be {tone}."), MessagesPlaceholder("history"), ("human", "{q}")]
    )
    assert prompt.pretty_repr().split("\n\n") == [
        "=" * 32 + " System Message " + "=" * 32,
        "Be {tone}.",
        "=" * 29 + " Messages Placeholder " + "=" * 29,
        "{history}",
        "=" * 32 + " Human Message " + "=" * 33,
        "{q}",
    ]
    assert "\x1b[1m System Message \x1b[0m" in prompt.pretty_repr(html=True)


def test_pretty_print_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    prompt = ChatPromptTemplate.from_template("{q}")
    prompt.pretty_print()
    assert capsys.readouterr().out == prompt.pretty_repr() + "\n"


def test_an_image_part_has_no_text_form() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [("human", [{"type": "image_url", "image_url": "{i}"}])]
    )
    with pytest.raises(NotImplementedError):
        prompt.pretty_repr()
