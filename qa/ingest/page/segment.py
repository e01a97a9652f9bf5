"""Split a page's lines into articles: where each headline starts, and what is header, body or furniture.

A headline is a run of one to four headline-like lines (unindented when the page indents its body).
It starts a new article when

- it opens the page, or is followed by a metadata line or a byline (any page);
- on a page whose empty lines separate articles, an empty line comes before it;
- on other pages, the article before it closed (an author credit or dateline ended it), or it has two
  lines or more, or a dateline (``本报北京…电``, ``本报讯``) opens the text after it; but not, where the
  layout breaks lines mid-sentence, right after a line that stopped mid-sentence.

Otherwise headline-like lines are the article's own intertitles. After a headline come its header
lines (metadata, bylines, bare names under a commentary's title), then the body.
"""

from dataclasses import dataclass, field

from qa.ingest.page import byline, datelines
from qa.ingest.page.headline import looks_like_headline
from qa.ingest.page.lines import Layout, Line
from qa.text.sentences import ends_sentence

MAX_HEADLINE_LINES = 4


@dataclass
class Draft:
    """The lines of one article, as found."""

    headline: list[Line]
    meta: list[Line] = field(default_factory=list)  # furniture lines of this article
    bylines: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    closed: bool = False  # its last line closed it (an author credit, a closing dateline, an author note)


@dataclass
class Segments:
    drafts: list[Draft] = field(default_factory=list)
    furniture: list[Line] = field(default_factory=list)  # lines about the page: folio, credits


def _closes(text: str) -> bool:
    return bool(
        byline.closing_credit(text)
        or datelines.closing(text)
        or (text.startswith(("（作者", "(作者", "（本文作者", "（笔者")) and text.endswith(("）", ")")))
    )


def _unfinished(text: str) -> bool:
    """A line of running text that stops mid-sentence (not a headline-like line ending in —— or ：)."""
    return not ends_sentence(text) and text[-1] not in "：:—" and not byline.photographers(text)


class _Segmenter:
    def __init__(self, lines: list[Line], layout: Layout) -> None:
        self.lines = lines
        self.layout = layout
        self.result = Segments()
        self.draft: Draft | None = None

    def headline_like(self, line: Line) -> bool:
        if line.furniture is not None or (self.layout.indented and line.indented):
            return False
        text = line.text
        if byline.byline(text) is not None or datelines.lead(text) or byline.photographers(text):
            return False
        return looks_like_headline(text)

    def run_at(self, i: int) -> list[int]:
        """Indices of the headline-like lines from ``i`` (empty if ``lines[i]`` is not one)."""
        run: list[int] = []
        j = i
        while j < len(self.lines) and len(run) <= MAX_HEADLINE_LINES and self.headline_like(self.lines[j]):
            line = self.lines[j]
            if run and (line.soft_break or (self.layout.blank_separated and line.blank_before)):
                break
            if run and byline.bare_names(line.text):  # the commentator's name under the title
                break
            run.append(j)
            j += 1
        if len(run) > MAX_HEADLINE_LINES:
            return []  # a list of short lines, not a headline
        if run and self.draft is not None and self.draft.body and byline.bare_names(self.lines[i].text):
            return []  # a signature closing the article before
        return run

    def starts_article(self, run: list[int]) -> bool:
        first = self.lines[run[0]]
        after = self.lines[run[-1] + 1] if run[-1] + 1 < len(self.lines) else None
        draft = self.draft
        if draft is None or (not draft.body and not draft.headline):
            return True
        if after is not None and (
            (after.furniture is not None and after.furniture.kind != "credit")  # credits end a page
            or byline.byline(after.text) is not None
            or byline.bare_names(after.text)
        ):
            return True
        leads = after is not None and datelines.lead(after.text) is not None
        if self.layout.blank_separated:
            return first.blank_before or (draft.closed and leads)
        if self.layout.broken and draft.body and not draft.closed and _unfinished(draft.body[-1].text):
            return False  # the rest of a sentence the layout broke, however short
        return draft.closed or len(run) >= 2 or leads

    def header(self, draft: Draft, i: int) -> int:
        """Give ``draft`` the header lines from ``i`` (metadata, bylines); returns the index of the first body line."""
        names_may_follow = True  # bare names directly under the headline, or after 新华社记者
        while i < len(self.lines):
            line = self.lines[i]
            if line.furniture is not None and line.furniture.kind != "credit":
                draft.meta.append(line)
            elif (names := byline.byline(line.text)) is not None:
                draft.bylines.append(line)
                names_may_follow = not names
            elif names_may_follow and not (self.layout.indented and line.indented) and byline.bare_names(line.text):
                draft.bylines.append(line)
                names_may_follow = False
            else:
                return i
            i += 1
        return i

    def add_furniture(self, line: Line, kind: str) -> None:
        if self.draft is not None and kind == "meta":
            self.draft.meta.append(line)
        else:
            self.result.furniture.append(line)

    def add_body(self, line: Line) -> None:
        if self.draft is None:
            self.draft = Draft(headline=[])
            self.result.drafts.append(self.draft)
        if byline.byline(line.text) is not None:  # a second report's byline inside the item
            self.draft.bylines.append(line)
            return
        self.draft.body.append(line)
        self.draft.closed = _closes(line.text)

    def split(self) -> Segments:
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            if line.furniture is not None:
                self.add_furniture(line, line.furniture.kind)
                i += 1
                continue
            run = self.run_at(i)
            if run and self.starts_article(run):
                self.draft = Draft(headline=[self.lines[j] for j in run])
                self.result.drafts.append(self.draft)
                i = self.header(self.draft, run[-1] + 1)
                continue
            self.add_body(line)
            i += 1
        return self.result


def segment(lines: list[Line], layout: Layout) -> Segments:
    """The page's articles (as drafts) and its page-level furniture lines."""
    return _Segmenter(lines, layout).split()
