// An answer: its text with [n] markers as buttons, the sources it cites and the other passages found.
import { el } from "./dom.js";

const MARKER = /\[(\d+)\]/g;
const CLOSEST_SHOWN = 3;
const SNIPPET_CHARS = 90;

// The numbers of the markers in `text`, in order of first appearance.
export function markerNumbers(text) {
  return [...new Set([...text.matchAll(MARKER)].map((m) => Number(m[1])))];
}

function describe(citation) {
  return [citation.paper, citation.date, citation.author].filter(Boolean).join(" · ");
}

// "also in …": the same story printed by other papers (copies grouped when the index was built).
export function alsoIn(copies) {
  if (!copies || copies.length === 0) return "";
  return `另见于：${copies.map((c) => [c.paper ?? c.title, c.date].filter(Boolean).join(" ")).join("；")}`;
}

function snippet(text) {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(flat);
  return chars.length > SNIPPET_CHARS ? `${chars.slice(0, SNIPPET_CHARS).join("")}…` : flat;
}

function marker(n, citation, onCite) {
  if (!citation) return el("span", { class: "cite pending", "aria-hidden": "true", text: String(n) });
  return el("button", {
    type: "button",
    class: "cite",
    "data-n": n,
    title: `出处 ${n}：${citation.title}`,
    "aria-label": `出处 ${n}：${citation.title}`,
    onclick: (event) => onCite(citation, event.currentTarget),
    text: String(n),
  });
}

// The answer text into `target`; markers become buttons once `citations` are known (pending before).
export function renderAnswerText(target, text, citations, onCite) {
  const byNumber = new Map(citations.map((c) => [c.n, c]));
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    nodes.push(text.slice(last, match.index));
    const n = Number(match[1]);
    nodes.push(marker(n, byNumber.get(n), onCite));
    last = match.index + match[0].length;
  }
  nodes.push(text.slice(last));
  target.replaceChildren(...nodes.filter((node) => node !== ""));
}

function sourceButton(citation, onCite, withSnippet) {
  return el(
    "li",
    {},
    el(
      "button",
      {
        type: "button",
        class: "source",
        "data-n": citation.n,
        onclick: (event) => onCite(citation, event.currentTarget),
      },
      el("span", { class: "source-n", text: String(citation.n) }),
      el(
        "span",
        { class: "source-body" },
        el("span", { class: "source-title", text: citation.title }),
        describe(citation) ? el("span", { class: "source-meta", text: describe(citation) }) : null,
        alsoIn(citation.also_in) ? el("span", { class: "source-also", text: alsoIn(citation.also_in) }) : null,
        withSnippet ? el("span", { class: "source-snippet", text: snippet(citation.text) }) : null,
      ),
    ),
  );
}

// The cited sources, then the other retrieved passages folded away.
export function renderSources(target, text, citations, onCite) {
  const cited = new Set(markerNumbers(text));
  const used = citations.filter((c) => cited.has(c.n));
  const others = citations.filter((c) => !cited.has(c.n));
  target.replaceChildren(
    used.length
      ? el(
          "div",
          { class: "sources-used" },
          el("h3", { text: "出处" }),
          el("ol", { class: "source-list" }, ...used.map((c) => sourceButton(c, onCite, false))),
        )
      : null,
    others.length
      ? el(
          "details",
          { class: "sources-other" },
          el("summary", { text: `其他相关段落（${others.length}）` }),
          el("ol", { class: "source-list" }, ...others.map((c) => sourceButton(c, onCite, true))),
        )
      : null,
  );
}

// No answer in the corpus: say so plainly, then show the closest passages so the reader can judge.
export function renderNoAnswer(textTarget, sourcesTarget, message, citations, onCite) {
  textTarget.replaceChildren(
    el("strong", { class: "no-answer-title", text: "没有找到答案" }),
    el("span", { class: "no-answer-text", text: message || "现有新闻资料中没有找到这个问题的答案。" }),
  );
  const closest = citations.slice(0, CLOSEST_SHOWN);
  sourcesTarget.replaceChildren(
    closest.length
      ? el(
          "div",
          { class: "sources-closest" },
          el("h3", { text: "最接近的段落（不足以回答这个问题）" }),
          el("ol", { class: "source-list" }, ...closest.map((c) => sourceButton(c, onCite, true))),
        )
      : null,
  );
}
