// The cited article, its paragraphs rendered and the cited passage highlighted.
//
// A citation's start/end index into the article's body (paragraphs joined with "\n") and count
// characters as Python does: Unicode code points. JavaScript strings count UTF-16 units, which differ
// for characters outside the Basic Multilingual Plane (rare CJK ideographs such as 𠮷), so the body is
// handled as an array of code points throughout.
import { alsoIn } from "./answer.js";
import { el } from "./dom.js";

// Paragraphs of `body` with their code-point offsets: [{start, end, chars}], `end` exclusive.
export function paragraphs(body) {
  const chars = Array.from(body);
  const result = [];
  let start = 0;
  for (let i = 0; i <= chars.length; i += 1) {
    if (i === chars.length || chars[i] === "\n") {
      result.push({ start, end: i, chars: chars.slice(start, i) });
      start = i + 1;
    }
  }
  return result;
}

// The cited text from..to (code points of the body), with the short answer inside it marked too.
function citedMark(part, from, to, short) {
  const text = (a, b) => part.chars.slice(a - part.start, b - part.start).join("");
  const mark = el("mark", { class: "cited", "data-start": from, "data-end": to });
  const a = short ? Math.max(short.start, from) : to;
  const b = short ? Math.min(short.end, to) : to;
  if (a < b) {
    mark.append(text(from, a), el("mark", { class: "short", "data-start": a, "data-end": b, text: text(a, b) }));
    mark.append(text(b, to));
  } else {
    mark.textContent = text(from, to);
  }
  return mark;
}

// One <p> per paragraph; the part inside [start, end) of each is wrapped in <mark class="cited">, and the
// short answer inside it (when given) in a <mark class="short">.
// A passage across paragraphs gets one mark per paragraph; the "\n" between them is the paragraph break.
function paragraph(part, start, end, short) {
  const from = Math.max(start, part.start);
  const to = Math.min(end, part.end);
  const node = el("p", { "data-start": part.start });
  if (from >= to) {
    node.textContent = part.chars.join("");
    return node;
  }
  const text = (a, b) => part.chars.slice(a - part.start, b - part.start).join("");
  node.append(text(part.start, from), citedMark(part, from, to, short), text(to, part.end));
  return node;
}

function meta(article) {
  const items = [
    article.author ? ["作者", article.author] : null,
    article.date ? ["日期", article.date] : null,
    article.paper ? ["报纸", article.paper] : null,
    ["来源", article.source],
    alsoIn(article.copies) ? ["同一报道", alsoIn(article.copies)] : null,
  ].filter(Boolean);
  return el(
    "dl",
    { class: "article-meta" },
    ...items.map(([label, value]) => el("div", {}, el("dt", { text: label }), el("dd", { text: value }))),
  );
}

// Fills `container` with the article (a header, then the body, which scrolls); returns the body.
// `short` ({start, end} in the body), when given, is the answer phrase inside the cited passage.
export function renderArticle(container, article, citation, short = null) {
  const parts = paragraphs(article.body);
  const url = /^https?:\/\//.test(article.url ?? "") ? article.url : null;
  container.replaceChildren(
    el(
      "header",
      { class: "article-header" },
      article.kicker ? el("p", { class: "kicker", text: article.kicker }) : null,
      el("h2", { class: "article-title", text: article.title }),
      article.subtitle ? el("p", { class: "subtitle", text: article.subtitle }) : null,
      meta(article),
      url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: "原文链接" }) : null,
    ),
    el("div", { class: "article-body" }, ...parts.map((part) => paragraph(part, citation.start, citation.end, short))),
  );
  return container.querySelector(".article-body");
}

// Scrolls only `body` (not the page around it) to the highlight: centred, or its start near the top
// when it is too tall to be seen whole.
export function scrollToHighlight(body) {
  const marks = body.querySelectorAll("mark.cited");
  if (marks.length === 0) return;
  const top = marks[0].getBoundingClientRect().top;
  const height = marks[marks.length - 1].getBoundingClientRect().bottom - top;
  const offset = top - body.getBoundingClientRect().top + body.scrollTop;
  const room = body.clientHeight;
  body.scrollTop = height < room * 0.8 ? offset - (room - height) / 2 : offset - 16;
}

// body[start:end] in code points: what the citation's text must be if the article is the one cited.
export function citedText(article, citation) {
  return Array.from(article.body).slice(citation.start, citation.end).join("");
}
