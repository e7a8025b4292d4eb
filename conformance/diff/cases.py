"""The requests diff sends both gateways: every corpus case (the main document's examples among them),
then generated valid and invalid signals; each body once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from schemathesis.generation.modes import GenerationMode

from conformance.generation import drawn_bodies
from webhook_spec.corpus import case_body, corpus_cases

CORPUS, DOCUMENT, GENERATED = "corpus", "document", "generated"
DOCUMENT_FILE = "document-examples"  # the corpus file that holds every example of the main document
CONTENT_TYPE = "application/json"  # what a corpus case is sent as


@dataclass(frozen=True)
class Case:
    """One request body and what it is: its name, where it comes from, its Content-Type."""

    name: str
    origin: str  # CORPUS, DOCUMENT or GENERATED
    body: bytes
    content_type: str | None = CONTENT_TYPE

    def headers(self) -> dict[str, str]:
        """The request headers the case is sent with."""
        return {} if self.content_type is None else {"Content-Type": self.content_type}


def corpus_requests() -> Iterator[Case]:
    """Every case of schema/corpus/, named by its file and description."""
    for file, case in corpus_cases():
        origin = DOCUMENT if file == DOCUMENT_FILE else CORPUS
        section = case.get("source", {}).get("section")
        where = f" (section {section})" if origin == DOCUMENT and section else ""
        yield Case(f"{file}: {case['description']}{where}", origin, case_body(case))


def generated_requests(count: int, seed: int) -> Iterator[Case]:
    """`count` generated signals from `seed`, half valid (count // 2) and the rest invalid."""
    for mode, label, wanted in (
        (GenerationMode.POSITIVE, "valid", count // 2),
        (GenerationMode.NEGATIVE, "invalid", count - count // 2),
    ):
        for number, (body, content_type) in enumerate(drawn_bodies(mode, wanted, seed), 1):
            yield Case(f"generated {label} signal {number} (seed {seed})", GENERATED, body, content_type)


def unique(cases: Iterable[Case]) -> tuple[list[Case], int]:
    """The cases whose body is new, in order, and how many repeated one: the same body sent again to the
    same webhook within its replay window is a retry of the first (D-055), not a case of its own."""
    seen: set[bytes] = set()
    kept, repeated = [], 0
    for case in cases:
        if case.body in seen:
            repeated += 1
        else:
            seen.add(case.body)
            kept.append(case)
    return kept, repeated
