// An answer: its text with [n] markers as buttons, the sources it cites and the other passages found.
import { el } from "./dom.js";

const MARKER = /\[(\d+)\]/g;
const CLOSEST_SHOWN = 3;
const SNIPPET_CHARS = 90;
// Answers the service is less sure of than this are marked (the confidence is calibrated: docs/EVAL.md).
export const LOW_CONFIDENCE = 0.5;
const REASONS = {
  not_found: "资料里没有谈到这个问题的段落。",
  no_matching_fact: "找到了相关报道，但其中没有问到的这一项（例如别的年份、地点或数字）。",
  low_confidence: "找到的句子不足以可靠地回答这个问题。",
};

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

// `piece` of answer text, with the short answer (the phrase that answers) marked in it when it is there.
function withShort(piece, short) {
  const at = short ? piece.indexOf(short.text) : -1;
  if (at < 0) return [piece];
  const mark = el("mark", { class: "short-answer", title: "简短回答", text: short.text });
  return [piece.slice(0, at), mark, piece.slice(at + short.text.length)];
}

// The answer text into `target`; markers become buttons once `citations` are known (pending before).
// `shortAnswer`, when given, is marked in the sentence of the citation that holds it.
export function renderAnswerText(target, text, citations, onCite, shortAnswer = null) {
  const byNumber = new Map(citations.map((c) => [c.n, c]));
  const nodes = [];
  let last = 0;
  let short = shortAnswer;
  for (const match of text.matchAll(MARKER)) {
    const n = Number(match[1]);
    const piece = text.slice(last, match.index);
    nodes.push(...(short && short.citation === n ? withShort(piece, short) : [piece]));
    if (short && short.citation === n) short = null;
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

// A note under an answer the service is not sure of (null: none), saying how sure and what to do.
export function confidenceNote(confidence) {
  if (typeof confidence !== "number" || confidence >= LOW_CONFIDENCE) return null;
  const percent = Math.round(confidence * 100);
  return el("p", {
    class: "low-confidence",
    role: "note",
    text: `把握不大（可信度约 ${percent}%）：这句话可能没有回答所问，请对照出处核实。`,
  });
}

// No answer in the corpus: say so plainly and why, then show the closest passages so the reader can judge.
export function renderNoAnswer(textTarget, sourcesTarget, message, citations, onCite, reason = null) {
  textTarget.replaceChildren(
    el("strong", { class: "no-answer-title", text: "没有找到答案" }),
    el("span", { class: "no-answer-text", text: message || "现有新闻资料中没有找到这个问题的答案。" }),
    REASONS[reason] ? el("span", { class: "no-answer-reason", "data-reason": reason, text: REASONS[reason] }) : null,
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
