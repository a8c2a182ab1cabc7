"""Problem, procedure and supply mentions in clinical text, with medspacy's ConText status."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import medspacy
from loguru import logger
from medspacy.context import ConTextRule
from spacy.language import Language

from medcode_assistant.case2code.lexicon import load_terms, target_rules

__all__ = ["Mention", "find_mentions"]

# medspacy and its sentence splitter log every rule at DEBUG through loguru; our logs are ours.
for _noisy in ("medspacy", "PyRuSH"):
    logger.disable(_noisy)

# History in the words the issue names, beside ConText's own "history"/"h/o".
_EXTRA_CONTEXT = (
    ConTextRule("status post", "HISTORICAL", direction="FORWARD"),
    ConTextRule("s/p", "HISTORICAL", direction="FORWARD"),
    ConTextRule("history of", "HISTORICAL", direction="FORWARD"),
    ConTextRule("previous", "HISTORICAL", direction="FORWARD"),
    ConTextRule("prior", "HISTORICAL", direction="FORWARD"),
    ConTextRule("denies", "NEGATED_EXISTENCE", direction="FORWARD"),
    ConTextRule("denied", "NEGATED_EXISTENCE", direction="FORWARD"),
    ConTextRule("negative", "NEGATED_EXISTENCE", direction="BACKWARD"),
    ConTextRule("former", "HISTORICAL", direction="FORWARD"),
    # Today's reason for the visit ends the scope of an earlier "status post"/"history of".
    ConTextRule("here for", "TERMINATE", direction="TERMINATE"),
    ConTextRule("presents with", "TERMINATE", direction="TERMINATE"),
)
# ConText's default "comes in with"/"presentation" mark today's complaint as past.
_DROPPED_DEFAULTS = {"comes in with", "presentation"}

_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention: where it is, what it is, and what the text says about it."""

    text: str
    start: int
    end: int
    category: str
    query: str
    sentence_start: int
    sentence_end: int
    negated: bool
    historical: bool
    family: bool
    hypothetical: bool
    uncertain: bool

    @property
    def current(self) -> bool:
        """A problem the patient has now: the only kind that is ever suggested."""
        return not (
            self.negated or self.historical or self.family or self.hypothetical or self.uncertain
        )


@lru_cache(maxsize=1)
def _pipeline() -> Language:
    """medspacy's blank English pipeline with our targets and ConText rules (built once)."""
    nlp = medspacy.load()
    nlp.get_pipe("medspacy_target_matcher").add(target_rules(load_terms()))
    context = nlp.get_pipe("medspacy_context")
    kept = [rule for rule in context.rules if rule.literal.lower() not in _DROPPED_DEFAULTS]
    nlp.remove_pipe("medspacy_context")
    context = nlp.add_pipe("medspacy_context", config={"rules": None})
    context.add(kept)
    context.add(list(_EXTRA_CONTEXT))
    return nlp


def find_mentions(text: str) -> list[Mention]:
    """Every term mention in `text` with its sentence and ConText attributes, in text order."""
    nlp = _pipeline()
    with _lock:  # spaCy pipelines are not safe to share between threads mid-call
        doc = nlp(text)
    mentions = []
    for ent in doc.ents:
        sentence = ent.sent
        mentions.append(
            Mention(
                text=ent.text,
                start=ent.start_char,
                end=ent.end_char,
                category=ent.label_.lower(),
                query=str(ent._.target_rule.metadata["query"]),
                sentence_start=sentence.start_char,
                sentence_end=sentence.end_char,
                negated=bool(ent._.is_negated),
                historical=bool(ent._.is_historical),
                family=bool(ent._.is_family),
                hypothetical=bool(ent._.is_hypothetical),
                uncertain=bool(ent._.is_uncertain),
            )
        )
    return mentions
