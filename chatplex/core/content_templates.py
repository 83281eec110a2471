"""A message template's content given as a list of parts, filled in as LangChain's
`ChatPromptTemplate` fills it (`_StringImageMessagePromptTemplate`):

- a str, or `{"type": "text", "text": ...}` alone, is a text part (`{"type": "text",
  "text": ...}` once filled in; a part left empty is dropped);
- `{"type": "image_url", "image_url": "{img}"}` (or `{"url": "{img}", "detail": ...}`)
  is an image part: `{"type": "image_url", "image_url": {"url": <value>}}`, so an image
  variable becomes an image the provider accepts, not a plain string;
- any other dict (an `image`, `file` or `input_audio` block, a text part with
  `cache_control`) keeps its shape, every string inside it filled in.

A content given as one string is filled in as one string (see `prompts.py`). Each
string is filled in by the template's format (`template_formats.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

__all__ = ["format_parts", "part_variables"]

#: How a template's format fills in one string (`template_formats.fill`, bound to it).
Fill = Callable[[str, Mapping[str, Any]], str]


def _is_text(part: Any) -> bool:
    return isinstance(part, str) or (
        isinstance(part, dict) and "text" in part and set(part) <= {"type", "text"}
    )


def _is_image(part: Any) -> bool:
    return isinstance(part, dict) and "image_url" in part and set(part) <= {"type", "image_url"}


def _text(part: Any) -> str:
    return part if isinstance(part, str) else str(part["text"])


def _image_template(
    part: Mapping[str, Any], variables: Callable[[str], list[str]]
) -> dict[str, Any]:
    """The image's `{url, detail}` template; one variable at most in a URL string."""
    image = part["image_url"]
    if isinstance(image, str):
        names = variables(image)
        if len(names) > 1:
            raise ValueError(
                f"Only one format variable allowed per image template.\nGot: {names}\nFrom: {part}"
            )
        return {"url": image}
    if isinstance(image, dict):
        return dict(image)
    raise ValueError(f"Invalid image template: {part}")


def part_variables(parts: list[Any], variables: Callable[[str], list[str]]) -> list[str]:
    """The variables of a list content, in order (`variables` reads one string)."""
    names: list[str] = []
    for part in parts:
        if _is_text(part):
            names.extend(variables(_text(part)))
        elif _is_image(part):
            template = _image_template(part, variables)
            for key in ("url", "path", "detail"):
                if isinstance(template.get(key), str):
                    names.extend(variables(template[key]))
        elif isinstance(part, dict):
            names.extend(_dict_variables(part, variables))
        else:
            raise ValueError(f"Invalid template: {part}")
    return names


def _dict_variables(value: Any, variables: Callable[[str], list[str]]) -> list[str]:
    if isinstance(value, str):
        return variables(value)
    if isinstance(value, dict):
        return [n for v in value.values() for n in _dict_variables(v, variables)]
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _dict_variables(v, variables)]
    return []


def _fill(value: Any, values: Mapping[str, Any], fill: Fill) -> Any:
    """Every string inside `value` filled in; other values as they are."""
    if isinstance(value, str):
        return fill(value, values)
    if isinstance(value, dict):
        return {key: _fill(item, values, fill) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_fill(item, values, fill) for item in value)
    return value


def _image(template: Mapping[str, Any], values: Mapping[str, Any], fill: Fill) -> dict[str, Any]:
    filled = {k: fill(v, values) if isinstance(v, str) else v for k, v in template.items()}
    if filled.get("path"):
        raise ValueError(
            "Loading images from 'path' has been removed as of 0.3.15 for security "
            "reasons. Please specify images by 'url'."
        )
    url = filled.get("url")
    if not url:
        raise ValueError("Must provide url.")
    if not isinstance(url, str):
        raise ValueError("url must be a string.")
    image: dict[str, Any] = {"url": url}
    if filled.get("detail"):
        image["detail"] = filled["detail"]
    return image


def format_parts(
    parts: list[Any],
    values: Mapping[str, Any],
    variables: Callable[[str], list[str]],
    fill: Fill,
) -> list[Any]:
    """The content parts filled in (see the module doc): each string by `fill`."""
    content: list[Any] = []
    for part in parts:
        if _is_text(part):
            text = fill(_text(part), values)
            if text:
                content.append({"type": "text", "text": text})
        elif _is_image(part):
            image = _image(_image_template(part, variables), values, fill)
            content.append({"type": "image_url", "image_url": image})
        else:
            content.append(_fill(part, values, fill))
    return content
