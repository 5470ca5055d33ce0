"""LLM access: the async `openai` client against any OpenAI-compatible endpoint.

Bounded concurrency, our own retries (exponential backoff with full jitter, honouring
Retry-After) on rate limits, server errors, timeouts and dropped connections, a
persistent response cache, structured outputs from pydantic models with a step-down to
JSON mode or a prompted schema for servers without them, one repair re-ask for output that
does not validate, and token and call counts per run. The API key never appears in a
message or log.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from email.utils import parsedate_to_datetime
from typing import Any, Literal, TypeVar

import openai
from pydantic import BaseModel

from kg.errors import LLMError, RetryableLLMError
from kg.settings import Settings
from reasoning.llm.cache import CachedResponse, ResponseCache, cache_key
from reasoning.llm.endpoint import require_endpoint
from reasoning.llm.output import OutputError, parse_json, schema_instruction, split_reasoning
from reasoning.llm.usage import Usage

__all__ = ["LLM", "ChatResult", "RequestRefused"]

M = TypeVar("M", bound=BaseModel)
Mode = Literal["json_schema", "json_object", "prompt"]
_MODES: tuple[Mode, ...] = ("json_schema", "json_object", "prompt")


class RequestRefused(LLMError):
    """The endpoint refused the request itself (HTTP 400): no retry will help."""


class ChatResult(BaseModel):
    content: str
    reasoning: str | None = None
    cached: bool = False


class LLM:
    """One endpoint and model, shared by every stage of every question of a run."""

    def __init__(self, settings: Settings, *, cache: ResponseCache | None = None) -> None:
        require_endpoint(settings)
        self.settings = settings
        self.model = settings.model
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "no-key"
        self._client = openai.AsyncOpenAI(
            base_url=settings.llm_base_url, api_key=key, timeout=settings.llm_timeout_s, max_retries=0
        )
        self._slots = asyncio.Semaphore(settings.llm_concurrency)
        self._cache = cache
        self._mode: Mode = "json_schema" if settings.llm_structured == "auto" else settings.llm_structured

    async def close(self) -> None:
        await self._client.close()

    @property
    def mode(self) -> Mode:
        """The structured-output mode in use (it steps down when a server refuses one)."""
        return self._mode

    # -- calls ---------------------------------------------------------------------------

    async def chat(self, messages: list[dict[str, Any]], usage: Usage, **extra: Any) -> ChatResult:
        """One completion (from the cache when this exact request was answered before)."""
        params = self._params(**extra)
        key = cache_key(self.model, messages, params)
        if self._cache is not None and (hit := self._cache.get(key)) is not None:
            usage.calls += 1
            usage.cached_calls += 1
            return ChatResult(content=hit.content, reasoning=hit.reasoning, cached=True)
        response = await self._with_retries(messages, params, usage)
        if self._cache is not None:
            self._cache.put(key, self.model, response)
        return ChatResult(content=response.content, reasoning=response.reasoning)

    async def structured(
        self, messages: list[dict[str, Any]], schema: type[M], usage: Usage, **extra: Any
    ) -> tuple[M, ChatResult]:
        """A reply validated as `schema`; one repair re-ask when it does not validate.

        Raises:
            LLMError: the reply (and its repair) do not validate; says why.
        """
        result = await self._structured_call(messages, schema, usage, **extra)
        try:
            return parse_json(result.content, schema), result
        except OutputError as first:
            usage.repairs += 1
            repair = [
                *messages,
                {"role": "assistant", "content": result.content},
                {
                    "role": "user",
                    "content": f"That reply is unusable: {first}. Reply again with the corrected JSON only.",
                },
            ]
            result = await self._structured_call(repair, schema, usage, **extra)
            try:
                return parse_json(result.content, schema), result
            except OutputError as second:
                raise LLMError(f"{schema.__name__} from {self.model}: {second} (after one repair re-ask)") from None

    async def _structured_call(
        self, messages: list[dict[str, Any]], schema: type[M], usage: Usage, **extra: Any
    ) -> ChatResult:
        while True:
            mode = self._mode
            try:
                formatted = _with_schema(messages, schema, mode)
                return await self.chat(formatted, usage, **_response_format(schema, mode), **extra)
            except RequestRefused as exc:
                if not self._step_down(mode, exc):
                    raise

    def _step_down(self, mode: Mode, exc: RequestRefused) -> bool:
        """A server that rejects a response format gets the next simpler one, for good."""
        refused_format = "response_format" in str(exc).lower() or "json" in str(exc).lower()
        if self.settings.llm_structured != "auto" or not refused_format or mode == "prompt":
            return False
        self._mode = _MODES[_MODES.index(mode) + 1]
        return True

    # -- transport -----------------------------------------------------------------------

    def _params(self, **extra: Any) -> dict[str, Any]:
        s = self.settings
        params = {"temperature": s.llm_temperature, "seed": s.llm_seed, "max_tokens": s.llm_max_tokens, **extra}
        return {k: v for k, v in params.items() if v is not None}

    async def _with_retries(
        self, messages: list[dict[str, Any]], params: dict[str, Any], usage: Usage
    ) -> CachedResponse:
        attempt = 0
        while True:
            try:
                async with self._slots:
                    usage.calls += 1
                    return await self._once(messages, params, usage)
            except RetryableLLMError as exc:
                if attempt >= self.settings.llm_max_retries:
                    raise LLMError(f"{self.model}: {exc} (gave up after {attempt + 1} attempts)") from None
                usage.retries += 1
                await asyncio.sleep(self._delay(attempt, exc.__cause__))
                attempt += 1

    async def _once(self, messages: list[dict[str, Any]], params: dict[str, Any], usage: Usage) -> CachedResponse:
        try:
            completion = await self._client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                **params,
            )
        except (
            openai.RateLimitError,
            openai.InternalServerError,
            openai.APITimeoutError,
            openai.APIConnectionError,
        ) as exc:
            raise RetryableLLMError(_reason(exc)) from exc
        except (openai.APIResponseValidationError, json.JSONDecodeError) as exc:
            # A cut-off body: the client raises the JSON decoder's own error for it.
            raise RetryableLLMError(f"malformed response: {exc}") from exc
        except openai.BadRequestError as exc:
            raise RequestRefused(f"{self.model} refused the request: {_reason(exc)}") from None
        except openai.APIStatusError as exc:
            raise LLMError(f"{self.model}: {_reason(exc)}") from None
        return _response(completion, usage)

    def _delay(self, attempt: int, cause: BaseException | None) -> float:
        retry_after = _retry_after(cause)
        if retry_after is not None:
            return min(retry_after, self.settings.llm_backoff_max_s) + random.uniform(0, 0.1)
        ceiling = min(self.settings.llm_backoff_max_s, self.settings.llm_backoff_s * 2**attempt)
        return random.uniform(0, ceiling)  # full jitter: concurrent callers do not retry in step


def _response(completion: Any, usage: Usage) -> CachedResponse:
    if not completion.choices:
        raise RetryableLLMError("the reply has no choices")
    message = completion.choices[0].message
    content, inline_reasoning = split_reasoning(message.content or "")
    extra = message.model_extra or {}
    reasoning = extra.get("reasoning_content") or extra.get("reasoning") or inline_reasoning
    if not content:
        raise RetryableLLMError("the reply is empty")
    tokens = completion.usage
    prompt, completion_tokens = (tokens.prompt_tokens, tokens.completion_tokens) if tokens else (0, 0)
    usage.prompt_tokens += prompt
    usage.completion_tokens += completion_tokens
    return CachedResponse(
        content=content, reasoning=reasoning, prompt_tokens=prompt, completion_tokens=completion_tokens
    )


def _retry_after(cause: BaseException | None) -> float | None:
    response = getattr(cause, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        try:  # an HTTP date
            return max(0.0, (parsedate_to_datetime(value).timestamp() - time.time()))
        except (TypeError, ValueError):
            return None


def _reason(exc: openai.OpenAIError) -> str:
    status = getattr(exc, "status_code", None)
    message = getattr(exc, "message", None) or type(exc).__name__
    return f"HTTP {status}: {message}" if status else f"{type(exc).__name__}: {message}"


def _response_format(schema: type[BaseModel], mode: Mode) -> dict[str, Any]:
    if mode == "json_schema":
        spec = {"name": schema.__name__, "schema": schema.model_json_schema(), "strict": False}
        return {"response_format": {"type": "json_schema", "json_schema": spec}}
    if mode == "json_object":
        return {"response_format": {"type": "json_object"}}
    return {}


def _with_schema(messages: list[dict[str, Any]], schema: type[BaseModel], mode: Mode) -> list[dict[str, Any]]:
    # JSON mode needs the word JSON in the prompt and says nothing of the shape; prompted
    # mode has only the prompt: both get the schema spelled out.
    if mode == "json_schema":
        return messages
    instruction = {"role": "system", "content": schema_instruction(schema)}
    return [*messages, instruction]
