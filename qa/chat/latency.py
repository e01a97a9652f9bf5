"""How quickly a running server streams: ``python -m qa.chat.latency [--url URL] [--repeat N] [QUESTION ...]``.

For each question, streamed over /v1/chat/completions: time to the first content chunk and to the
citations chunk; not streamed: time to the whole reply. Prints the medians (milliseconds).
"""

import argparse
import json
import statistics
import time

import httpx

QUESTIONS = [
    "荣氏家族向江南大学捐资多少？",
    "谁主持召开了全市集成电路产业集群建设工作推进会？",
    "产改第五次联席会议是哪天召开的？",
    "无锡力争用几年时间完成全国商业秘密保护创新试点任务？",
]


def streamed(client: httpx.Client, url: str, question: str) -> tuple[float, float]:
    """Milliseconds to the first content chunk and to the final (citations) chunk."""
    payload = {"stream": True, "messages": [{"role": "user", "content": question}]}
    started = time.perf_counter()
    first = last = None
    with client.stream("POST", f"{url}/v1/chat/completions", json=payload) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if not line.startswith("data: {"):
                continue
            chunk = json.loads(line[len("data: ") :])
            now = (time.perf_counter() - started) * 1000
            if first is None and chunk["choices"][0]["delta"].get("content"):
                first = now
            if "citations" in chunk:
                last = now
    if first is None or last is None:
        raise RuntimeError(f"no content or no citations chunk for {question!r}")
    return first, last


def whole(client: httpx.Client, url: str, question: str) -> float:
    started = time.perf_counter()
    payload = {"messages": [{"role": "user", "content": question}]}
    client.post(f"{url}/v1/chat/completions", json=payload).raise_for_status()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*", default=QUESTIONS)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    firsts, lasts, wholes = [], [], []
    with httpx.Client(timeout=120) as client:
        whole(client, args.url, args.questions[0])  # warm-up
        for _ in range(args.repeat):
            for question in args.questions:
                first, last = streamed(client, args.url, question)
                firsts.append(first)
                lasts.append(last)
                wholes.append(whole(client, args.url, question))
    print(f"{len(firsts)} requests of each kind against {args.url}")
    print(f"stream: first content chunk  median {statistics.median(firsts):8.1f} ms")
    print(f"stream: citations chunk      median {statistics.median(lasts):8.1f} ms")
    print(f"not streamed: whole reply    median {statistics.median(wholes):8.1f} ms")


if __name__ == "__main__":
    main()
