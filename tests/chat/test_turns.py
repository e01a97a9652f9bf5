"""Heavy requests (a long question or a long conversation to read) take turns; short ones never wait."""

import threading
import time

import anyio

from qa.chat.conversation import Message
from qa.chat.replies import HEAVY_CHARS, Chat

HEAVY = "长" * (HEAVY_CHARS + 1)
SECONDS = 0.3  # what each stand-in preparation takes


class Recorder:
    """A stand-in for ``Chat.prepare`` that takes SECONDS and records how many ran at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = self.most = 0

    def __call__(self, service, question, history, top_k, scope=None):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(SECONDS)
        with self.lock:
            self.running -= 1
        return question


def test_a_long_question_or_conversation_is_heavy():
    assert Chat.is_heavy(HEAVY, []) and not Chat.is_heavy("谁负责？", [])
    turns = [Message("user", "荣氏家族给江南大学捐了多少钱？"), Message("assistant", "答" * 5000)]
    assert not Chat.is_heavy("谁负责？", turns)
    assert Chat.is_heavy("谁负责？", turns * 20)


def test_heavy_requests_take_turns_and_short_ones_do_not_wait(monkeypatch):
    chat = Chat(resolver=None)  # type: ignore[arg-type]  # the stand-in does not resolve
    recorder = Recorder()
    monkeypatch.setattr(chat, "prepare", recorder)
    took: dict[str, float] = {}

    async def timed(name: str, question: str) -> None:
        started = time.perf_counter()
        await chat.prepare_in_turn(None, question, [])  # type: ignore[arg-type]
        took[name] = time.perf_counter() - started

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for n in range(3):
                group.start_soon(timed, f"heavy {n}", HEAVY)
            await anyio.sleep(SECONDS / 3)  # the heavy ones have all arrived
            group.start_soon(timed, "short", "谁负责？")

    anyio.run(main)
    assert recorder.most == 2  # one heavy request and the short one
    assert took["short"] < 2 * SECONDS  # it did not queue behind the heavy ones
    assert max(took[f"heavy {n}"] for n in range(3)) >= 3 * SECONDS  # they ran one after another
