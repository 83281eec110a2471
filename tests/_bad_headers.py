"""Header values a server must never receive: each carries a control character after the key."""

KEY = "sk-never-shown-4242"
#: name -> a value a server must never receive.
BAD = {
    "crlf-injection": f"Bearer {KEY}\r\nX-Injected: yes",
    "file-newline": f"Bearer {KEY}\n",
    "bare-cr": f"Bearer {KEY}\rX",
    "nul": f"Bearer {KEY}\x00",
    "escape": f"Bearer {KEY}\x1b",
    "del": f"Bearer {KEY}\x7f",
}
