"""The agents-and-graphs matrix (issue 47): LangChain v1 agents, their response formats
and middleware, and LangGraph graphs streamed every way, over every wire, run with the
partner package's class and with chatplex's of the same name, compared (`_kit.py`,
`_cells.py`)."""
