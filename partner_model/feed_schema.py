"""The product feed's events as the product sends them: the pydantic models that validate each event and are the
API's schema (POST /api/v1/events, the file backfill).

An event has an `event_id` (a repeated id is acknowledged and changes nothing), a `type`, the account (the
product's `external_id` and its `domain`), an `occurred_at` instant and its fields. A bad event is reported with
its index, dotted field and message.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationInfo
from pydantic import ValidationError as PydanticError

from partner_model import identity, rules
from partner_model.errors import ValidationError

MAX_BATCH = 1000
MAX_ACTIVITY_COUNT = 1000


@functools.lru_cache(maxsize=4096)  # a feed names few frameworks, a million times
def _framework(value: str) -> str:
    """A framework as the services take it (known ones spelled the canonical way); bad text is a refused field."""
    try:
        return rules.framework(value, "framework", required=True)  # type: ignore[return-value]
    except ValidationError as error:
        raise ValueError(str(error)) from None


def _text(value: str, info: ValidationInfo, *, required: bool = True) -> str:
    """Text as every service takes it (trimmed, no control characters); the product's text is shown to staff."""
    name = info.field_name or "text"
    try:
        return rules.clean_text(value, name, name.capitalize(), required=required, max_length=500) or ""
    except ValidationError as error:
        raise ValueError(str(error)) from None


Framework = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_framework)]
Text = Annotated[str, AfterValidator(_text)]
OptionalText = Annotated[str, AfterValidator(functools.partial(_text, required=False))]


class Account(BaseModel):
    model_config = ConfigDict(extra="forbid")
    external_id: str = Field(min_length=1, max_length=100, description="the product's id of the account")
    domain: str = Field(min_length=3, max_length=253, description="the customer's company domain")


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_id: str = Field(min_length=1, max_length=100, description="unique per event: a repeat changes nothing")
    account: Account
    occurred_at: dt.datetime = Field(description="when it happened in the product (with a time zone)")


class AccountCreated(_Event):
    type: Literal["account.created"]
    name: Text = Field(min_length=1, max_length=200)
    framework: Framework = rules.FRAMEWORKS[0]
    trial_ends_on: dt.date | None = None
    partner_id: int | None = Field(default=None, description="the partner the trial was created for, if any")


class TrialExtended(_Event):
    type: Literal["trial.extended"]
    trial_ends_on: dt.date


class SubscriptionStarted(_Event):
    type: Literal["subscription.started"]
    started_on: dt.date


class SubscriptionEnded(_Event):
    type: Literal["subscription.ended"]
    ended_on: dt.date


class FrameworkProgress(_Event):
    type: Literal["framework.progress"]
    framework: Framework
    percent: int = Field(ge=0, le=100)


class UsersCount(_Event):
    type: Literal["users.count"]
    users: int = Field(ge=0, le=1_000_000)


class Activity(_Event):
    type: Literal["activity"]
    day: dt.date
    count: int = Field(default=1, ge=1, le=MAX_ACTIVITY_COUNT)
    kind: Text = Field(default="task", min_length=1, max_length=40)


class AttentionOpened(_Event):
    type: Literal["attention.opened"]
    item_id: str = Field(min_length=1, max_length=100)
    kind: Text = Field(min_length=1, max_length=40)
    detail: OptionalText = Field(default="", max_length=500)


class AttentionResolved(_Event):
    type: Literal["attention.resolved"]
    item_id: str = Field(min_length=1, max_length=100)


FeedEventIn = Annotated[
    AccountCreated | TrialExtended | SubscriptionStarted | SubscriptionEnded | FrameworkProgress | UsersCount
    | Activity | AttentionOpened | AttentionResolved,
    Field(discriminator="type"),
]
EVENT = TypeAdapter(FeedEventIn)


class Batch(BaseModel):
    """A batch for POST /api/v1/events: up to 1,000 events (each validated on its own). Strict: `atomic` is a
    JSON boolean, never 0 or "yes"."""

    model_config = ConfigDict(extra="forbid", strict=True)
    events: list[dict[str, Any]] = Field(max_length=MAX_BATCH)
    atomic: bool = Field(default=False, description="refuse the whole batch when any event is bad")


class Refusal(BaseModel):
    index: int
    field: str
    message: str


class BatchResult(BaseModel):
    applied: int = 0
    repeated: int = 0
    refused: list[Refusal] = []


def _message(issue: Any) -> str:
    """pydantic's message; our own checks' message without its "Value error, " prefix."""
    if issue["type"] == "value_error" and isinstance(issue.get("ctx", {}).get("error"), ValueError):
        return str(issue["ctx"]["error"])
    return str(issue["msg"])


def parse(index: int, raw: object) -> tuple[Any | None, list[Refusal]]:
    """The validated event, or the refusals naming its fields (index, dotted field, message)."""
    try:
        event = EVENT.validate_python(raw)
    except PydanticError as error:
        return None, _refusals(index, error)
    return _checked(index, event)


def parse_line(index: int, line: str) -> tuple[Any | None, list[Refusal]]:
    """One line of JSON Lines, validated straight from its text (twice as fast as decoding it first); a line that
    fails is decoded and checked again, so that it is refused as the same object would be, or as not JSON."""
    try:
        event = EVENT.validate_json(line)
    except PydanticError:
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as problem:
            return None, [Refusal(index=index, field="line", message=f"not JSON: {problem.msg}")]
        return parse(index, raw)
    return _checked(index, event)


def _refusals(index: int, error: PydanticError) -> list[Refusal]:
    return [Refusal(index=index, field=".".join(str(p) for p in issue["loc"][1:] or issue["loc"]) or "event",
                    message=_message(issue)) for issue in error.errors()]


def _checked(index: int, event: Any) -> tuple[Any | None, list[Refusal]]:
    if event.occurred_at.tzinfo is None:
        return None, [Refusal(index=index, field="occurred_at", message="needs a time zone, e.g. 2026-11-30T10:00Z")]
    if identity.normalise_domain(event.account.domain) is None:
        return None, [Refusal(index=index, field="account.domain", message="not a domain name such as example.com")]
    return event, []


def openapi_schema() -> dict[str, Any]:
    """The JSON schemas of a batch, an event and a batch's answer (the API's OpenAPI document uses them)."""
    return {"Batch": Batch.model_json_schema(), "Event": EVENT.json_schema(),
            "BatchResult": BatchResult.model_json_schema()}
