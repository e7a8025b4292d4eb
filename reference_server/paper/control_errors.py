"""The control API's 400 errors in words: each names the member by its JSON pointer and says what is
wrong with it (DECISIONS D-080), from a schema error of schema/control-api.yaml or a check beyond it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jsonschema.exceptions import ValidationError

from webhook_spec.openapi import escape_pointer

# The keyword of a subschema of schema/control-api.yaml that holds the words of its error.
ERROR_KEYWORD = "x-error"
_FORMATS = {
    "date-time": "an RFC 3339 date-time with a UTC offset, such as 2025-06-18T14:30:00Z",
    "uuid": "a UUID",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a control request: where (a JSON pointer into the body) and what."""

    pointer: str
    message: str

    def as_json(self) -> dict[str, str]:
        """The member of the error's `errors` list."""
        return {"pointer": self.pointer, "message": self.message}


def pointer_of(path: Iterable[str | int]) -> str:
    """The JSON pointer of a path of member names and indexes ("" for the whole body)."""
    return "".join(f"/{escape_pointer(str(token))}" for token in path)


def _names(names: Sequence[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _required_branches(error: ValidationError) -> list[str] | None:
    """The member names when every branch of an anyOf/oneOf only requires members, else None."""
    branches = error.validator_value
    if all(isinstance(b, dict) and set(b) == {"required"} for b in branches):
        return [name for branch in branches for name in branch["required"]]
    return None


def _branch_errors(error: ValidationError) -> list[ValidationError]:
    """The errors of the branches a value could have meant: all but a null branch, when it is not null."""
    meant = [
        sub
        for sub in error.context or ()
        if not (sub.validator == "type" and sub.validator_value == "null" and error.instance is not None)
    ]
    branches = {sub.schema_path[0] for sub in meant if sub.schema_path}
    return meant if len(branches) == 1 else []


def _words(error: ValidationError) -> str:
    """What is wrong, in words, for one schema error with no clearer error below it."""
    keyword, value, instance = error.validator, error.validator_value, error.instance
    if isinstance(error.schema, dict) and ERROR_KEYWORD in error.schema:
        return error.schema[ERROR_KEYWORD]
    if keyword == "exclusiveMinimum":
        return f"must be above {value}, not {instance!r}"
    if keyword in ("minimum", "maximum"):
        bound = "at least" if keyword == "minimum" else "at most"
        return f"must be {bound} {value}, not {instance!r}"
    if keyword == "format":
        return f"{instance!r} is not {_FORMATS.get(value, f'a valid {value}')}"
    if keyword == "pattern":
        return f"{instance!r} does not have the form {value}"
    if keyword in ("anyOf", "oneOf") and (names := _required_branches(error)) is not None:
        return f"needs one of {_names(names)}"
    if keyword == "enum":
        return f"{instance!r} is not one of {', '.join(repr(v) for v in value)}"
    return error.message


def describe(error: ValidationError) -> list[Problem]:
    """The problems one schema error stands for: the branch a value meant, a member by its own pointer."""
    path = list(error.absolute_path)
    if error.validator in ("anyOf", "oneOf") and ERROR_KEYWORD not in error.schema:
        meant = _branch_errors(error)
        if meant and _required_branches(error) is None:
            return [problem for sub in meant for problem in describe(sub)]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        extra = sorted(name for name in error.instance if name not in known)
        message = f"is not a member here; the known ones are {', '.join(sorted(known))}"
        return [Problem(pointer_of([*path, name]), message) for name in extra]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        message = error.schema.get(ERROR_KEYWORD, "is required")
        return [Problem(pointer_of([*path, name]), message) for name in missing]
    return [Problem(pointer_of(path), _words(error))]


def schema_problems(errors: Iterable[ValidationError]) -> list[Problem]:
    """Every problem of a request's schema errors, in the order of their pointers, each once."""
    found = {problem: None for error in errors for problem in describe(error)}
    return sorted(found, key=lambda problem: problem.pointer)


def problem_in_words(problem: Problem) -> str:
    """A problem as one line: its pointer, then what is wrong."""
    return f"{problem.pointer}: {problem.message}" if problem.pointer else problem.message
