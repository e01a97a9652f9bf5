"""Part-of-speech tagging (jieba.posseg) at a bounded cost per character.

jieba's tagger finds the words its dictionary does not know with a hidden Markov model over 256
(position, tag) states. Its Viterbi step tries every pair of states in pure Python; for a character its
model has never seen, all 256 are possible, so each one costs 65,536 tries (10-25 ms: a 300-character
question of rare characters took seconds). ``Tagger`` is jieba's tagger with that step done on arrays,
over the 5,218 transitions the model has rather than every pair: the same additions in the same order
and ties broken the same way, so the same tags (tests/text/test_tagging.py compares the two), at tens of
microseconds per character whatever the characters.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import jieba
import jieba.posseg
import numpy as np
from jieba.posseg.char_state_tab import P as CHAR_STATES
from jieba.posseg.prob_emit import P as EMIT
from jieba.posseg.prob_start import P as START
from jieba.posseg.prob_trans import P as TRANS
from jieba.posseg.viterbi import MIN_FLOAT

logger = logging.getLogger(__name__)

jieba.setLogLevel(logging.WARNING)

State = tuple[str, str]  # (B|M|E|S: the character's place in its word, the word's part-of-speech tag)


@dataclass(frozen=True)
class Token:
    """A word of a text, its part-of-speech tag (jieba's: n, nr, ns, v, p, m, x ...) and its offset."""

    word: str
    tag: str
    start: int


@dataclass(frozen=True)
class _Model:
    """jieba's tagging model as arrays. States are numbered in descending order: on equal scores jieba's
    ``max`` over (score, state) pairs takes the greatest state, and numpy's the first."""

    states: list[State]
    start: np.ndarray  # (S,) log probability of starting in each state
    char_states: dict[str, np.ndarray]  # char -> (S,) bool: the states jieba allows for it (else all)
    emit: dict[str, tuple[np.ndarray, np.ndarray]]  # char -> (states, log probabilities); MIN_FLOAT elsewhere
    # The transitions, ordered by target state, then by source state: one segment per target that has any.
    source: np.ndarray  # (E,) source state of each transition
    target: np.ndarray  # (E,) its target state
    log_p: np.ndarray  # (E,) its log probability
    edges: np.ndarray  # (E,) 0 .. E-1
    targets: np.ndarray  # (T,) the states that have a transition into them
    segments: np.ndarray  # (T,) where each target's transitions start
    counts: np.ndarray  # (T,) how many there are
    target_of: np.ndarray  # (S,) a state's position in ``targets``, T if it has no transition into it
    leaves: np.ndarray  # (S,) bool: the state has transitions out (jieba drops the others as predecessors)
    unseen: np.ndarray  # (E,) the emission per transition of a character the model has never seen


@cache
def _model() -> _Model:
    states = sorted(TRANS, reverse=True)
    index = {state: i for i, state in enumerate(states)}
    size = len(states)
    edges = sorted((index[t], index[s], p) for s, out in TRANS.items() for t, p in out.items())
    target = np.array([t for t, _, _ in edges])
    targets, segments, counts = np.unique(target, return_index=True, return_counts=True)
    target_of = np.full(size, len(targets))
    target_of[targets] = np.arange(len(targets))
    char_states = {}
    for char, allowed in CHAR_STATES.items():
        mask = np.zeros(size, dtype=bool)
        mask[[index[s] for s in allowed]] = True
        char_states[char] = mask
    by_char: dict[str, tuple[list[int], list[float]]] = {}
    for state, probabilities in EMIT.items():
        for char, p in probabilities.items():
            rows, values = by_char.setdefault(char, ([], []))
            rows.append(index[state])
            values.append(p)
    leaves = np.zeros(size, dtype=bool)
    leaves[[index[s] for s, out in TRANS.items() if out]] = True
    return _Model(
        states=states,
        start=np.array([START[state] for state in states]),
        char_states=char_states,
        emit={char: (np.array(rows), np.array(values)) for char, (rows, values) in by_char.items()},
        source=np.array([s for _, s, _ in edges]),
        target=target,
        log_p=np.array([p for _, _, p in edges]),
        edges=np.arange(len(edges)),
        targets=targets,
        segments=segments,
        counts=counts,
        target_of=target_of,
        leaves=leaves,
        unseen=np.full(len(edges), MIN_FLOAT),
    )


def _emission(model: _Model, char: str) -> np.ndarray:
    """Per transition, the log probability of its target state emitting ``char`` (MIN_FLOAT if none)."""
    found = model.emit.get(char)
    if found is None:
        return model.unseen
    scores = np.full(len(model.states), MIN_FLOAT)
    scores[found[0]] = found[1]
    return scores[model.target]


def viterbi(text: str) -> list[State]:
    """The most likely state of each character of ``text``: what ``jieba.posseg.viterbi`` returns."""
    if not text:
        raise ValueError("text is empty")
    model = _model()
    everything = np.ones(len(model.states), dtype=bool)
    active = model.char_states.get(text[0], everything)
    first = np.full(len(model.states), MIN_FLOAT)
    if text[0] in model.emit:
        first[model.emit[text[0]][0]] = model.emit[text[0]][1]
    scores = np.where(active, model.start + first, -np.inf)  # -inf: not a state of this character
    back: list[tuple[np.ndarray, int]] = []  # per character after the first: see _backtrack
    for char in text[1:]:
        expected = np.zeros(len(model.states), dtype=bool)
        expected[model.targets] = np.logical_or.reduceat(active[model.source], model.segments)
        candidates = model.char_states.get(char, everything) & expected
        if not candidates.any():
            candidates = expected if expected.any() else everything
        # (V[t-1] + trans) + emit per transition, in jieba's order of additions, so the floats are the same.
        values = scores[model.source] + model.log_p
        values += _emission(model, char)
        best_value = np.maximum.reduceat(values, model.segments)
        # The first transition reaching the best value is from the greatest source state, as in jieba.
        reaching = np.where(values == np.repeat(best_value, model.counts), model.edges, len(values))
        best = model.source[np.minimum.reduceat(reaching, model.segments) % len(values)]
        # Where every predecessor scores -inf, jieba's max over (score, state) takes the greatest one.
        fallback = int(np.argmax(active & model.leaves))
        best[best_value == -np.inf] = fallback
        back.append((best, fallback))
        scores = np.where(candidates, np.append(best_value, -np.inf)[model.target_of], -np.inf)
        active = candidates
    state = int(np.flatnonzero(active)[scores[active].argmax()])
    return [model.states[i] for i in _backtrack(model, state, back)]


def _backtrack(model: _Model, state: int, back: list[tuple[np.ndarray, int]]) -> list[int]:
    """The states from the first character to the last one, ``state``. ``back`` holds per character the best
    predecessor of each target state (in ``model.targets`` order), and that of the other states."""
    route = [state]
    for best, fallback in reversed(back):
        index = model.target_of[state]
        state = int(best[index]) if index < len(best) else fallback
        route.append(state)
    route.reverse()
    return route


class _FastPOSTokenizer(jieba.posseg.POSTokenizer):
    """jieba's POSTokenizer with ``viterbi`` in place of its own (jieba 0.42.1, pinned: its private
    ``__cut`` is the one method that calls the Viterbi step)."""

    def _POSTokenizer__cut(self, sentence: str) -> Iterator[jieba.posseg.pair]:  # noqa: N802 - jieba's name
        route = viterbi(sentence)
        begin, following = 0, 0
        for i, char in enumerate(sentence):
            position, tag = route[i]
            if position == "B":
                begin = i
            elif position == "E":
                yield jieba.posseg.pair(sentence[begin : i + 1], tag)
                following = i + 1
            elif position == "S":
                yield jieba.posseg.pair(char, tag)
                following = i + 1
        if following < len(sentence):
            yield jieba.posseg.pair(sentence[following:], route[following][1])


# jieba tags each run of these characters on its own (the rest one character at a time), so a text's tags
# are its runs' tags: runs are remembered, and a text put together from earlier ones costs little.
_RUN = jieba.posseg.re_han_internal
REMEMBERED_RUNS = 4096


class Tagger:
    """Splits text into words and tags them as ``jieba.posseg`` does, on a jieba instance of its own (so
    nothing global is touched). The tags of the last ``remembered`` runs of text are remembered."""

    def __init__(self, remembered: int = REMEMBERED_RUNS) -> None:
        self._jieba = _FastPOSTokenizer(jieba.Tokenizer())
        self._jieba.tokenizer.initialize()
        self._run = lru_cache(maxsize=remembered)(self._tag_run)
        _model()

    def tokens(self, text: str) -> list[Token]:
        tokens, position = [], 0
        for run in _RUN.split(text):
            for word, tag in self._run(run) if run else ():
                tokens.append(Token(word, tag, position))
                position += len(word)
        return tokens

    def _tag_run(self, run: str) -> tuple[tuple[str, str], ...]:
        return tuple((pair.word, pair.flag) for pair in self._jieba.lcut(run))
