"""LLM access: the async client for any OpenAI-compatible endpoint, its response cache, the
parsing of what models return, and the scripted responder that imitates an endpoint."""

from typing import TYPE_CHECKING

from kg._exports import lazy_exports

if TYPE_CHECKING:
    from reasoning.llm.client import LLM
    from reasoning.llm.responder import Responder
    from reasoning.llm.usage import Usage

__all__, __getattr__ = lazy_exports(
    __name__,
    {"reasoning.llm.client": ["LLM"], "reasoning.llm.responder": ["Responder"], "reasoning.llm.usage": ["Usage"]},
)
