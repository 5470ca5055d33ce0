"""Whether an LLM endpoint is configured: checked before anything heavy is imported or
opened, so a missing endpoint is said at once."""

from __future__ import annotations

from kg.errors import LLMError
from kg.settings import Settings

__all__ = ["require_endpoint"]


def require_endpoint(settings: Settings) -> None:
    """Raises `LLMError` (saying how to get one) when no endpoint is configured."""
    if settings.llm_base_url is None and settings.llm_api_key is None:
        raise LLMError(
            "no LLM endpoint configured: set OPENAI_BASE_URL (and OPENAI_API_KEY if it needs one), "
            "or run `medcore responder` and point OPENAI_BASE_URL at it"
        )
