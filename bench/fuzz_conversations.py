"""Conversation fuzzing with real language against the live server: no server error.

    .venv/bin/python -m bench.fuzz_conversations [--others 200] [--clients 4] [--every-door] [--limit N]

Starts the real server (uvicorn, the fake ``hash-test`` model) on the passages of the CMRC 2018 trial
set, then asks each of its 1,000 questions as a follow-up to every other question of its passage and to
``--others`` random questions of the set (203,268 conversations with the defaults): the earlier question,
an assistant turn, then the question. The conversations take turns through the three doors, /ask,
/v1/chat/completions and the same streamed (``--every-door``: each through all three). A failure is any
answer but a 200 with a complete reply (a stream ending in ``[DONE]`` without an error event). Prints the
conversations and failures by door and the server's responses by status code (its access log).
tests/chat/test_conversation_fuzz.py asks a sample in-process.
"""

import argparse
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from qa.testing.conversations import DOORS, TRIAL_SET, Pair, load_passages, pairs, problem, write_corpus
from qa.testing.server import start_server


def fuzz(work: Path, conversations: list[tuple[str, Pair]], clients: int) -> tuple[Counter, dict, Counter]:
    """Ask each (door, pair) of ``conversations``; returns the count per door, failures and the server's statuses."""
    write_corpus(load_passages(), work / "corpus")
    server = start_server(work / "index", corpus=work / "corpus", build=True, model="hash-test", log_level="info")
    asked: Counter = Counter()
    failures: dict[tuple[str, Pair], str] = {}
    try:
        with httpx.Client(base_url=server.base, timeout=60) as client, ThreadPoolExecutor(clients) as pool:
            found = pool.map(lambda item: problem(client, *item), conversations)
            for n, ((door, pair), failure) in enumerate(zip(conversations, found), start=1):
                asked[door] += 1
                if failure:
                    failures[(door, pair)] = failure
                if n % 20000 == 0:
                    print(f"{n} conversations, {len(failures)} failures", flush=True)
    finally:
        server.stop()
    return asked, failures, server.statuses()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--others", type=int, default=200, help="random earlier questions per question")
    parser.add_argument("--clients", type=int, default=4, help="concurrent connections")
    parser.add_argument("--every-door", action="store_true", help="each conversation through all three doors")
    parser.add_argument("--limit", type=int, default=0, help="only the first N conversations (0: all)")
    args = parser.parse_args()
    if not TRIAL_SET.is_file():
        sys.exit(f"{TRIAL_SET} is not there (it ships beside the repository in ../shared)")
    every = pairs(load_passages(), args.others)
    if args.every_door:
        conversations = [(door, pair) for pair in every for door in DOORS]
    else:
        conversations = [(DOORS[n % len(DOORS)], pair) for n, pair in enumerate(every)]
    conversations = conversations[: args.limit or None]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        asked, failures, statuses = fuzz(Path(tmp), conversations, args.clients)
    seconds = time.perf_counter() - started
    by_door = ", ".join(f"{door}: {asked[door]}" for door in DOORS)
    print(f"{sum(asked.values())} conversations in {seconds:.0f} s ({by_door}); failures: {len(failures)}")
    print("server responses:", ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items())))
    for (door, pair), found in list(failures.items())[:20]:
        print(f"  {door}: {pair.earlier!r} then {pair.question!r}: {found}")
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    sys.exit(0 if not failures and not server_errors and sum(asked.values()) == len(conversations) else 1)


if __name__ == "__main__":
    main()
