"""The prompts, one file per stage, each with a version hash that every run records.

A file has a `### system` and a `### user` section; `$name` placeholders are filled with
`string.Template`, so JSON braces in the text need no escaping.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template
from typing import Any

__all__ = ["BASELINES", "JUDGE", "Prompt", "STAGES", "parse_prompt", "prompt"]

STAGES = ("elicit", "abstract", "synthesize")  # the pipeline's: their versions are in every run key
BASELINES = ("direct", "translate")  # the evaluation's baselines (they also use elicit)
JUDGE = ("judge",)  # the evaluation's grader of long-form answers


@dataclass(frozen=True)
class Prompt:
    name: str
    system: Template
    user: Template
    version: str  # first 12 hex digits of the file's sha256

    def messages(self, **values: Any) -> list[dict[str, str]]:
        """The chat messages, every placeholder filled (a missing one is an error)."""
        return [
            {"role": "system", "content": self.system.substitute(values).strip()},
            {"role": "user", "content": self.user.substitute(values).strip()},
        ]


@cache
def prompt(name: str) -> Prompt:
    """The prompt of one stage (see STAGES)."""
    if name not in (*STAGES, *BASELINES, *JUDGE):
        raise KeyError(f"no prompt {name!r}; there are {', '.join((*STAGES, *BASELINES, *JUDGE))}")
    return parse_prompt(name, resources.files(__name__).joinpath(f"{name}.md").read_text(encoding="utf-8"))


def parse_prompt(name: str, text: str) -> Prompt:
    """A prompt from the text of a prompt file (a user's own judge prompt, say)."""
    _, _, rest = text.partition("### system\n")
    system, _, user = rest.partition("### user\n")
    if not system.strip() or not user.strip():
        raise ValueError("a prompt needs a '### system' and then a '### user' section")
    version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Prompt(name, Template(system), Template(user), version)
