"""Chains as LangChain scripts write them: runnables, prompts and parsers, LangChain's own
objects inside chatplex chains, and chatplex chains inside LangChain's wrappers.

LangChain objects stay LangChain on the chatplex side when the script imports them from
a module the port does not rewrite (`langchain_core.tools`, `langchain_core.retrievers`,
`langchain_core.output_parsers.json`, `langchain_core.runnables.history`, ...), which is
how a half-ported script looks. Every case that is not "same" is listed, in backticks,
in the README's "Porting from LangChain" section (Chains)."""

from __future__ import annotations

from compat_harness import Case

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason

CHAIN_CASES = [
    # ---- LangChain objects inside chatplex chains --------------------------------------
    Case(
        "chains_foreign_tool_step",
        "pattern: a @tool as a chain step",
        """
from langchain_core.tools import tool
from langchain_core.runnables import RunnableLambda

@tool
def add(a: int, b: int) -> int:
    \"\"\"Add two numbers.\"\"\"
    return a + b

chain = RunnableLambda(lambda x: {"a": x, "b": 10}) | add

async def main():
    return [chain.invoke(1), chain.batch([2, 3]), await chain.ainvoke(4), await chain.abatch([5])]
""",
    ),
    Case(
        "chains_foreign_json_parser_streams",
        "pattern: LangChain's JsonOutputParser after a streaming step",
        """
from langchain_core.output_parsers.json import JsonOutputParser
from langchain_core.runnables import RunnableLambda

def reply(_):
    yield '{"name": "te'
    yield 'a", "tags": ["hot"'
    yield ', "green"]}'

chain = RunnableLambda(reply) | JsonOutputParser()

async def main():
    return [list(chain.stream(0)), chain.invoke(0), await chain.ainvoke(0)]
""",
    ),
    Case(
        "chains_foreign_prompt_template",
        "pattern: LangChain's PromptTemplate feeding chatplex steps",
        """
from langchain_core.prompts.prompt import PromptTemplate
from langchain_core.runnables import RunnableLambda, RunnableParallel

prompt = PromptTemplate.from_template("Summarise {topic} in {n} words")
chain = prompt | RunnableLambda(lambda value: value.to_string().upper())
both = RunnableParallel(text=chain, raw=prompt | RunnableLambda(lambda v: v.to_string()))

def main():
    return [chain.invoke({"topic": "tea", "n": 3}), both.invoke({"topic": "cake", "n": 5})]
""",
    ),
    Case(
        "chains_foreign_retriever_rag",
        "pattern: a retriever in a RAG chain",
        """
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough

class KeywordRetriever(BaseRetriever):
    docs: list

    def _get_relevant_documents(self, query, *, run_manager):
        return [d for d in self.docs if any(w in d.page_content for w in query.split())]

retriever = KeywordRetriever(docs=[
    Document(page_content="tea is brewed"), Document(page_content="cake is baked"),
])

def format_docs(docs):
    return "\\n".join(d.page_content for d in docs)

prompt = ChatPromptTemplate.from_messages(
    [("system", "Context:\\n{context}"), ("human", "{question}")]
)
chain = {"context": retriever | format_docs, "question": RunnablePassthrough()} | prompt

async def main():
    first = chain.invoke("how is tea made")
    return [first.to_messages(), (await chain.ainvoke("cake?")).to_string()]
""",
    ),
    Case(
        "chains_foreign_async_path",
        "pattern: a LangChain runnable with its own async function",
        """
from langchain_core.runnables.base import RunnableLambda as LangChainLambda
from langchain_core.runnables import RunnableLambda

async def async_double(x):
    return ("async", x * 2)

step = LangChainLambda(lambda x: ("sync", x * 2), afunc=async_double)
chain = RunnableLambda(lambda x: x + 1) | step

async def main():
    return [chain.invoke(1), await chain.ainvoke(1)]
""",
    ),
    # ---- chatplex runnables inside LangChain ------------------------------------------
    Case(
        "chains_history_wraps_chain",
        "pattern: RunnableWithMessageHistory around a chain",
        """
import warnings
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.runnables.history import RunnableWithMessageHistory
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.runnables import RunnableLambda

prompt = ChatPromptTemplate.from_messages(
    [("system", "Be brief."), MessagesPlaceholder("history"), ("human", "{question}")]
)
chain = prompt | RunnableLambda(lambda value: f"turn with {len(value.to_messages())} messages")
store = {}

async def main():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both classes are deprecated in LangChain 1.x
        def history(session_id):
            return store.setdefault(session_id, InMemoryChatMessageHistory())
        chat = RunnableWithMessageHistory(
            chain, history, input_messages_key="question", history_messages_key="history"
        )
        config = {"configurable": {"session_id": "s1"}}
        replies = [chat.invoke({"question": "hi"}, config)]
        replies.append(await chat.ainvoke({"question": "and again"}, config))
        replies.append(list(chat.stream({"question": "third"}, config)))
    return [replies, [(m.type, m.content) for m in store["s1"].messages]]
""",
    ),
    Case(
        "chains_history_message_output",
        "pattern: RunnableWithMessageHistory around a chain that returns a message",
        """
import warnings
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.runnables.history import RunnableWithMessageHistory
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableLambda

chain = RunnableLambda(lambda messages: AIMessage(content=f"seen {len(messages)}"))
store = {}

def main():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chat = RunnableWithMessageHistory(
            chain, lambda sid: store.setdefault(sid, InMemoryChatMessageHistory())
        )
        config = {"configurable": {"session_id": "s1"}}
        try:
            reply = chat.invoke([("human", "hi")], config)
        except ValueError as err:
            return {"raised": type(err).__name__}
    return [reply, len(store["s1"].messages)]
""",
    ),
    Case(
        "chains_lc_lambda_returns_chain",
        "pattern: a LangChain lambda that routes to a chain",
        """
from langchain_core.runnables.base import RunnableLambda as LangChainLambda
from langchain_core.runnables import RunnableLambda

short = RunnableLambda(lambda s: "short: " + s)
long = RunnableLambda(lambda s: "long: " + s)
router = LangChainLambda(lambda s: short if len(s) < 5 else long)

def main():
    return [router.invoke("tea"), router.invoke("biscuits"), router.batch(["a", "bbbbbb"])]
""",
    ),
    Case(
        "chains_chain_inside_langchain_chain",
        "pattern: a ported chain piped into a LangChain chain",
        """
from langchain_core.runnables.base import RunnableLambda as LangChainLambda
from langchain_core.runnables import RunnableLambda

def words(text):
    for word in text.split():
        yield word + " "

chain = RunnableLambda(str.strip) | RunnableLambda(words)
outer = LangChainLambda(lambda x: x + " done ") | chain | LangChainLambda(str.upper)

async def main():
    return [
        outer.invoke(" all "),
        list(outer.stream("a b")),
        outer.batch(["x", "y"]),
        await outer.ainvoke("z"),
    ]
""",
    ),
    # ---- runnables -------------------------------------------------------------------
    Case(
        "chains_branch_with_default",
        "pattern: RunnableBranch routing with a default",
        """
from langchain_core.runnables import RunnableBranch, RunnableLambda

branch = RunnableBranch(
    (lambda x: "tea" in x["topic"], RunnableLambda(lambda x: "tea expert")),
    (lambda x: "cake" in x["topic"], lambda x: "baker"),
    lambda x: "generalist",
)

async def main():
    topics = [{"topic": "green tea"}, {"topic": "cake"}, {"topic": "maths"}]
    return [
        [branch.invoke(t) for t in topics],
        branch.batch(topics),
        await branch.abatch(topics),
        list(branch.stream(topics[1])),
    ]
""",
    ),
    Case(
        "chains_branch_runnable_conditions",
        "pattern: RunnableBranch with runnables as conditions, in a chain",
        """
from langchain_core.runnables import RunnableBranch, RunnableLambda, RunnablePassthrough

is_question = RunnableLambda(lambda text: text.endswith("?"))
branch = RunnableBranch(
    (is_question, RunnableLambda(lambda text: "answer: " + text)),
    RunnablePassthrough(),
)
chain = RunnableLambda(str.strip) | branch | RunnableLambda(str.upper)

async def main():
    streamed = [c async for c in chain.astream("x?")]
    return [chain.invoke(" why? "), await chain.ainvoke(" ok "), streamed]
""",
    ),
    Case(
        "chains_pick",
        "pattern: .pick on a parallel map",
        """
from langchain_core.runnables import RunnableParallel, RunnableLambda

both = RunnableParallel(a=RunnableLambda(lambda x: x + 1), b=RunnableLambda(lambda x: x * 2))

def main():
    return [
        both.pick("a").invoke(3),
        both.pick(["a", "b"]).invoke(3),
        both.pick(["a", "missing"]).invoke(3),
        list(both.pick("b").stream(4)),
    ]
""",
    ),
    Case(
        "chains_assign_on_assign",
        "pattern: .assign chained on an assign and on a chain",
        """
from langchain_core.runnables import RunnablePassthrough, RunnableLambda

chain = (
    RunnablePassthrough.assign(n=lambda d: len(d["text"]))
    .assign(double=lambda d: d["n"] * 2)
)
upper = RunnableLambda(lambda s: {"text": s}).assign(shout=lambda d: d["text"].upper())

async def main():
    return [chain.invoke({"text": "abc"}), await upper.ainvoke("hey"), upper.batch(["a", "b"])]
""",
    ),
    Case(
        "chains_with_listeners",
        "pattern: with_listeners on a chain",
        """
from langchain_core.runnables import RunnableLambda

seen = []

def on_start(run):
    seen.append(("start", run.name, run.inputs, run.error))

def on_end(run, config):
    seen.append(("end", run.run_type, run.outputs, run.error, run.tags,
                 run.metadata.get("user"), config["configurable"].get("x")))

def on_error(run):
    seen.append(("error", "ZeroDivisionError" in run.error))

chain = (RunnableLambda(lambda x: 10 // x).with_config(run_name="divide")
         .with_listeners(on_start=on_start, on_end=on_end, on_error=on_error))

def main():
    chain.invoke(2, {"tags": ["t1"], "metadata": {"user": "u"}, "configurable": {"x": 1}})
    try:
        chain.invoke(0)
    except ZeroDivisionError:
        seen.append("raised")
    return seen
""",
    ),
    Case(
        "chains_with_alisteners",
        "pattern: with_alisteners on a chain, async",
        """
from langchain_core.runnables import RunnableLambda

seen = []

async def on_end(run):
    seen.append((run.inputs, run.outputs))

chain = RunnableLambda(lambda d: {"sum": d["a"] + d["b"]}).with_alisteners(on_end=on_end)

async def main():
    await chain.ainvoke({"a": 1, "b": 2})
    return seen
""",
    ),
    Case(
        "chains_configurable_prompt_fields",
        "pattern: configurable_fields on a prompt",
        """
from langchain_core.prompts import PromptTemplate
from langchain_core.runnables import ConfigurableField, RunnableLambda

prompt = PromptTemplate.from_template("Tell me a joke about {topic}").configurable_fields(
    template=ConfigurableField(id="prompt_template", name="Template")
)
chain = prompt | RunnableLambda(lambda v: v.to_string())

def main():
    return [
        chain.invoke({"topic": "tea"}),
        chain.invoke({"topic": "tea"}, {"configurable": {"prompt_template": "A poem on {topic}"}}),
        chain.with_config(configurable={"prompt_template": "Haiku: {topic}"}).invoke({"topic": 1}),
    ]
""",
    ),
    Case(
        "chains_configurable_alternatives",
        "pattern: configurable_alternatives between prompts",
        """
from langchain_core.prompts import ChatPromptTemplate, PromptTemplate
from langchain_core.runnables import ConfigurableField

prompt = PromptTemplate.from_template("Tell me a joke about {topic}").configurable_alternatives(
    ConfigurableField(id="prompt"),
    default_key="joke",
    poem=PromptTemplate.from_template("Write a short poem about {topic}"),
    chat=ChatPromptTemplate.from_messages([("system", "Be kind."), ("human", "{topic}")]),
)

def main():
    out = [prompt.invoke({"topic": "bears"}).to_string()]
    for key in ("poem", "chat", "joke"):
        value = prompt.invoke({"topic": "bears"}, {"configurable": {"prompt": key}})
        out.append(value.to_messages())
    try:
        prompt.invoke({"topic": "x"}, {"configurable": {"prompt": "nope"}})
    except ValueError:
        out.append("ValueError")
    return out
""",
    ),
    Case(
        "chains_configurable_model_temperature",
        "pattern: configurable_fields on a chat model (LangChain's docs)",
        """
from langchain_core.prompts import PromptTemplate
from langchain_core.runnables import ConfigurableField
from langchain_openai import ChatOpenAI

model = ChatOpenAI(model="gpt-4o-mini", temperature=0).configurable_fields(
    temperature=ConfigurableField(id="llm_temperature", name="LLM Temperature")
)
chain = PromptTemplate.from_template("Pick a number above {x}") | model

def main():
    hot = {"configurable": {"llm_temperature": 0.9}}
    return [chain.invoke({"x": 0}), chain.invoke({"x": 0}, hot)]
""",
    ),
    # ---- prompts ---------------------------------------------------------------------
    Case(
        "chains_prompt_template",
        "pattern: PromptTemplate: from_template, format, invoke, partial",
        """
from langchain_core.prompts import PromptTemplate

prompt = PromptTemplate.from_template("Translate {text} into {language}.")
french = prompt.partial(language="French")
legacy = PromptTemplate(input_variables=["a"], template="A is {a}")

def main():
    value = prompt.invoke({"text": "hi", "language": "German"})
    return [
        prompt.format(text="hello", language="Spanish"),
        value.to_string(),
        value.to_messages(),
        french.invoke({"text": "cat"}).to_string(),
        french.input_variables,
        legacy.invoke("x").to_string(),
        (prompt + " Be brief.").format(text="a", language="b"),
    ]
""",
    ),
    Case(
        "chains_chat_prompt_format_methods",
        "pattern: format / format_messages / format_prompt on a chat prompt",
        """
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.messages import HumanMessage

prompt = ChatPromptTemplate.from_messages(
    [("system", "You are {role}."), MessagesPlaceholder("history"), ("human", "{question}")]
)
history = [HumanMessage(content="earlier")]

def main():
    return [
        prompt.format(role="a poet", history=history, question="why?"),
        prompt.format_messages(role="a poet", history=history, question="why?"),
        prompt.format_prompt(role="x", history=[], question="y").to_messages(),
        prompt.format_prompt(role="x", history=[], question="y").to_string(),
    ]
""",
    ),
    Case(
        "chains_few_shot_chat_prompt",
        "pattern: FewShotChatMessagePromptTemplate inside a chat prompt",
        """
from langchain_core.prompts import ChatPromptTemplate, FewShotChatMessagePromptTemplate

examples = [{"input": "2 🦜 2", "output": "4"}, {"input": "2 🦜 3", "output": "5"}]
example_prompt = ChatPromptTemplate.from_messages([("human", "{input}"), ("ai", "{output}")])
few_shot = FewShotChatMessagePromptTemplate(example_prompt=example_prompt, examples=examples)
final = ChatPromptTemplate.from_messages(
    [("system", "You are a wondrous wizard of math."), few_shot, ("human", "{input}")]
)

def main():
    value = final.invoke({"input": "What is 2 🦜 9?"})
    return [few_shot.format(), value.to_messages(), final.input_variables]
""",
    ),
    # ---- parsers ---------------------------------------------------------------------
    Case(
        "chains_json_parser",
        "pattern: JsonOutputParser: fenced JSON, cumulative stream, format instructions",
        """
from langchain_core.output_parsers import JsonOutputParser
from langchain_core.messages import AIMessageChunk
from langchain_core.runnables import RunnableLambda

def tokens(_):
    for piece in ['```json\\n{"answer', '": "forty', ' two", "steps": [1', ', 2]', '}\\n```']:
        yield AIMessageChunk(content=piece)

parser = JsonOutputParser()
chain = RunnableLambda(tokens) | parser

async def main():
    try:
        parser.invoke("not json")
    except ValueError as err:
        bad = type(err).__name__
    return [
        list(chain.stream(0)),
        chain.invoke(0),
        await chain.ainvoke(0),
        parser.get_format_instructions(),
        bad,
    ]
""",
    ),
    Case(
        "chains_pydantic_parser",
        "pattern: PydanticOutputParser with format instructions and a bad reply",
        """
from pydantic import BaseModel, Field
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser

class Joke(BaseModel):
    setup: str = Field(description="question to set up a joke")
    punchline: str = Field(description="answer to resolve the joke")

parser = PydanticOutputParser(pydantic_object=Joke)

def main():
    out = [
        parser.invoke('{"setup": "Why?", "punchline": "Because."}'),
        parser.get_format_instructions(),
        JsonOutputParser(pydantic_object=Joke).get_format_instructions(),
        list(parser.transform(iter(['{"setup": "a", ', '"punchline": "b"}']))),
    ]
    try:
        parser.invoke('{"setup": "only"}')
    except ValueError as err:
        out.append([type(err).__name__, "Failed to parse Joke" in str(err)])
    return out
""",
    ),
    Case(
        "chains_get_graph",
        "pattern: get_graph of a chain (nodes and edges)",
        """
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import RunnableLambda, RunnableParallel, RunnablePassthrough

prompt = ChatPromptTemplate.from_template("Tell me about {topic}")
chain = (
    RunnableParallel(topic=RunnablePassthrough(), size=lambda x: len(x))
    | RunnablePassthrough.assign(upper=lambda d: d["topic"].upper())
    | prompt
    | RunnableLambda(lambda v: v.to_string())
    | StrOutputParser()
)

def main():
    graph = chain.get_graph()
    names = [node.name for node in graph.nodes.values()]
    edges = sorted((graph.nodes[e.source].name, graph.nodes[e.target].name) for e in graph.edges)
    return [names, edges]
""",
    ),
    # ---- the small differences -------------------------------------------------------
    Case(
        "chains_config_defaults_in_lambda",
        "pattern: reading config inside a lambda",
        """
from langchain_core.runnables import RunnableLambda

def show(x, config):
    return [config["metadata"], config["configurable"], config["tags"]]

chain = RunnableLambda(lambda x: x) | RunnableLambda(show)

def main():
    return [chain.invoke(1), RunnableLambda(show).invoke(1, {"tags": ["a"]})]
""",
    ),
    Case(
        "chains_async_function_sync_invoke",
        "pattern: an async function called with invoke",
        """
from langchain_core.runnables import RunnableLambda

async def fetch(x):
    return x * 2

def main():
    try:
        return RunnableLambda(fetch).invoke(21)
    except TypeError as err:
        return {"raised": "TypeError"}
""",
        status="deliberate",
        kept=Difference(
            Reason.RAISES,
            "`RunnableLambda(async_function).invoke(x)` raises TypeError",
            "runs the async function to completion and returns its result",
        ),
        langchain_fails=lambda seen: seen == {"raised": "TypeError"},
    ),
    Case(
        "chains_str_parser_empty_pieces",
        "pattern: streaming text through StrOutputParser",
        """
from langchain_core.messages import AIMessageChunk
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import RunnableLambda

def tokens(_):
    for piece in ["", "Hel", "lo", ""]:
        yield AIMessageChunk(content=piece)

chain = RunnableLambda(tokens) | StrOutputParser()

def main():
    pieces = list(chain.stream(0))
    return [pieces, "".join(pieces)]
""",
    ),
    Case(
        "chains_model_json_history",
        "pattern: prompt | model | parser inside RunnableWithMessageHistory",
        """
import warnings
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.runnables.history import RunnableWithMessageHistory
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.output_parsers import StrOutputParser
from langchain_openai import ChatOpenAI

prompt = ChatPromptTemplate.from_messages([MessagesPlaceholder("history"), ("human", "{q}")])
chain = prompt | ChatOpenAI(model="gpt-4o-mini") | StrOutputParser()
store = {}

def main():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chat = RunnableWithMessageHistory(
            chain, lambda s: store.setdefault(s, InMemoryChatMessageHistory()),
            input_messages_key="q", history_messages_key="history",
        )
        config = {"configurable": {"session_id": "s"}}
        return [chat.invoke({"q": "hi"}, config), chat.invoke({"q": "more"}, config)]
""",
    ),
]
