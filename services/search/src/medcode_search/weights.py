"""Every tuned weight of the search ranking, for every backend, in one place.

The ranking is one pipeline whatever the index: candidates from the backend (tantivy or
Elasticsearch), re-scored by `ranking.Rescorer`, moved by `defaults` and `splits`, boosted
by popularity. The weights were tuned on the tuning half of the alphabetic-index development
set (bench/search_misses.py); bench/search_relevance.py reports the held-out half per
backend. Type-ahead's were tuned on bench/search_typeahead.py's queries typed at 60 %.
Change one here and every backend ranks by it.
"""

from __future__ import annotations

# -- readings of the query (engine.py) ---------------------------------------------------------
#: Score of the best hit of a reading taken as typed. Each reading's hits score about its
#: weight, so the ratios below decide which reading wins a close call.
LITERAL_WEIGHT = 100.0
#: A synonym rewrite of part of the query: just under the words as typed, so a lay phrase
#: helps without overruling what the user wrote (a whole lay phrase swaps the two).
REWRITE_WEIGHT = 98.0
#: The query as typed when some word was corrected: well under the correction, so an
#: unknown word does not keep codes that match only the other words on top.
TYPO_WEIGHT = 80.0
#: Candidates taken from the index per reading, then re-scored: more finds codes BM25 ranks
#: low but the re-scoring likes, at the cost of profiling more codes per query.
CANDIDATES = 50
#: Deeper pages rank with more candidates (each tier this many times the last); a tier's
#: ranking is trusted to all but its last PAGING_MARGIN places (paging.py).
PAGING_GROWTH = 5
PAGING_MARGIN = 20
#: Popular codes may gain at most this factor: enough to order near-ties, never to lift a
#: weak match over a clearly better one (popularity.py scales views into [1, this]).
POPULARITY_CAP = 1.1
#: Scores of code-shaped queries, far above any word score (which stays near
#: LITERAL_WEIGHT): the exact code first, then its subtree in code order.
EXACT_CODE_SCORE = 1000.0
CODE_PREFIX_SCORE = 900.0
CODE_PREFIX_STEP = 0.001
#: How far above its neighbour a moved hit lands (defaults.py, splits.py): just enough to
#: pass it, never enough to pass anything else.
JUST_ABOVE = 1.0001

# -- type-ahead (typeahead.py, guesses.py, completion.py) -------------------------------------
#: Type-ahead candidates per suggestion shown, per reading.
SUGGEST_CANDIDATES_PER_HIT = 3
#: Candidates ranked per prefix before the earlier words' context reorders them.
COMPLETION_SHORTLIST = 16
#: A word the codes never say but search understands (a lay word such as "dandruff", or a
#: word-family member such as "electrocardiogram") counts as if this many texts said it.
COMPLETION_LAY_COUNT = 40
#: Added to a word's prior (in log units of its count) per unit of commonness of the codes
#: that say it: "diabetes" (E11.9) before "diabetic", "hypertension" (I10) before "hypertrophy".
COMPLETION_COMMON_BONUS = 1.5
#: The typed fragment is itself a whole word ("flu", "back"): it comes before its longer words
#: (from three letters: "no" or "ch" is the start of something longer far more often).
COMPLETION_WHOLE_WORD_BONUS = 2.0
COMPLETION_WHOLE_WORD_LENGTH = 3
#: The rest of a lay phrase whose first words were typed ("runny no" -> "nose"): a person
#: typing a known phrase almost always means it, so it comes before any single word.
COMPLETION_PHRASE_BONUS = 50.0
#: A lay phrase whose first word the fragment starts ("underactiv" -> "underactive thyroid"),
#: from this many letters: just below the word alone, less this per further word.
COMPLETION_PHRASE_START_GAP = 0.5
COMPLETION_PHRASE_START_LENGTH = 4
#: Per log unit of titles shared with the earlier words ("otitis me" -> "media").
COMPLETION_CONTEXT_WEIGHT = 1.5
#: A word sharing no title with the earlier words (when some others do) loses this.
COMPLETION_NO_CONTEXT_PENALTY = 8.0
#: Type-ahead: whole words a fragment is completed to and searched (each costs a reading or
#: more: more finds rarer meanings of short fragments, at the cost of latency).
SUGGEST_COMPLETIONS = 3
#: Completions scoring this much (log units of prior) below the best are not searched.
COMPLETION_SPREAD = 3.0
#: Type-ahead counts the fragment's words among the titles the earlier words share, from
#: whichever is cheaper: the words' own rows (at most this many in all) or the titles' words
#: (at most this many titles, and two letters or more); else only its likeliest words.
CONTEXT_POSTINGS = 20000
CONTEXT_ROWS = 2000
#: A word's count in a system counts this much toward its prior as a completion (default 1):
#: ICD-10-PCS titles are built from axis labels, so a word's count there says how many
#: combinations exist ("fluoroscopy", "nonautologous"), not how often it is wanted.
COMPLETION_SYSTEM_WEIGHTS = {"icd10pcs": 0.05}
#: A completion's readings weigh between this share and all of a search's, by how likely it
#: is next to the best one: a much better match for a rarer word still wins.
COMPLETION_FLOOR = 0.85
#: The fragment read as a plain prefix of title and index words: far below any completed
#: reading, so it only fills places the completions leave empty; only from this many
#: letters (a shorter prefix matches most of the index and costs milliseconds).
SUGGEST_PREFIX_WEIGHT = 40.0
SUGGEST_PREFIX_MIN = 3
#: Code prefixes typed as letters alone ("d", "ab") go after word suggestions (x this).
SUGGEST_LETTER_CODE_FACTOR = 0.01
#: A code prefix lists commonly looked-up codes first (CODE_PREFIX_SCORE + this x their
#: commonness: "E11" -> E11.9 before E11.00), still below the exact code.
SUGGEST_COMMON_CODE_BONUS = 10.0
#: Chapters and sections matching the words go below codes matching them as well (x this).
SUGGEST_NAVIGATION_FACTOR = 0.8
#: Commonness prior of type-ahead: a common code may gain at most this factor, by the length
#: of the fragment typed: short fragments match hundreds of codes about equally well, and a
#: longer one says what is wanted, so the prior fades. Never enough to pass a clearly better
#: text match.
SUGGEST_COMMON_CAPS = ((3, 0.15), (5, 0.08))
SUGGEST_COMMON_CAP_LONG = 0.03
#: A listed common code's parent heading gets this share of its commonness ("E11" for E11.9).
COMMON_PARENT_SHARE = 0.5

# -- re-scoring (ranking.py) -------------------------------------------------------------------
#: Weight of each coverage measure: the best single text (title or one inclusion term) that
#: explains the query, all of a code's own texts together, and those with its headings'.
#: More on the best text prefers one term that says it all over words scattered over many.
BEST_TEXT, ALL_OWN, WITH_CONTEXT = 0.5, 0.1, 0.35
#: Weight of the query's share explained only by other codes' notes naming this code: low,
#: since a note names a code in passing.
REFERENCED = 0.2
#: Share of the index's own score (scaled to the reading's best): BM25 breaks ties the
#: coverage measures leave, but never outweighs them.
BM25_SHARE = 0.2
#: Cost of the best text's unasked-for words, as a share of its words: more pushes specific
#: codes below their general ones ("Laceration of right rear wall" below "... rear wall").
EXTRA_PENALTY = 0.3
#: Extra cost (in words) of a side ("right", "left", "bilateral") nobody asked for: a coder
#: cannot pick it, so it must lose to the unspecified code.
SIDE_PENALTY = 1.0
#: Extra cost of a setting nobody asked for (pregnancy, newborn, anaesthesia), a secondary
#: condition or a named fracture kind: like a side, the record has to say so.
CONTEXT_PENALTY = 1.0
#: Bonus (in extra-word units) for a title whose name before the first comma is exactly what
#: was asked: "pneumonia" -> "Pneumonia, unspecified organism", not "Hypostatic pneumonia".
HEAD_BONUS = 0.2
#: Billable codes above their headings for the same text.
BILLABLE_BOOST = 1.1
#: Per character under 7: the general code (I10, J18.9) before its more specific siblings.
GENERALITY_PER_CHARACTER = 0.02
#: Small priors a coder would apply between otherwise equal titles: an initial encounter
#: over later ones, an unspecified default over a choice nobody made.
TITLE_PRIORS = (
    ("initial encounter", 1.05),
    ("subsequent encounter", 0.95),
    ("sequela", 0.95),
    ("unspecified", 1.06),
    ("not specified", 1.06),  # "Urinary tract infection, site not specified"
    # An unknown intent is coded accidental (the guidelines for poisonings and external causes).
    ("accidental", 1.06),
)

# -- candidate retrieval (candidate_plan.py, translated by each backend) -----------------------
#: A stem in the title (BM25 times this) or an inclusion term (constant, times its rarity):
#: equal, so a code named by an inclusion term is found as surely as one named by its title.
TITLE_BOOST, TERM_BOOST = 3.0, 3.0
#: A stem in a heading above (rarity times this): the index's main term often lives only
#: there, but a heading's words are shared by all its children, so they choose weakly.
CONTEXT_BOOST = 0.5
#: Words other codes' notes say about a code ("chilblains (T69.1)") choose it too, modestly.
REFERENCED_BOOST = 1.0
#: Table of Neoplasms / Drugs rows choose codes like inclusion terms when the query names a
#: neoplasm or a poisoning, and only faintly otherwise, so a site's or a substance's name
#: alone still finds its row without crowding other queries' candidates.
TABLE_BOOST, TABLE_BOOST_UNASKED = 3.0, 0.1
#: A body region's words for a part asked ("lower leg" for "calf"): the part's rarity times
#: this, on titles and inclusion terms.
REGION_BOOST = 1.0
#: Type-ahead: the word being typed completes a title word (more) or an index line word.
TITLE_PREFIX_BOOST, INDEX_PREFIX_BOOST = 2.0, 1.0
#: tantivy's BM25 keeps the (k1 + 1) factor that Lucene (Elasticsearch) dropped; Elasticsearch
#: multiplies its title boost by it, so BM25 and the constant clauses mix as in tantivy.
ELASTIC_BM25_SCALE = 1.0 + 1.2
