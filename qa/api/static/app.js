// The chat page: a transcript of questions and streamed answers, and the cited article beside it
// (below the answer on narrow screens). Talks only to this service (see api.js).
import { confidenceNote, renderAnswerText, renderNoAnswer, renderSources } from "./answer.js";
import { getArticle, streamChat } from "./api.js";
import { citedText, renderArticle, scrollToHighlight } from "./article.js";
import { el } from "./dom.js";

const MAX_HISTORY = 40; // earlier messages sent with a question; follow-ups need only the recent ones
const MAX_QUESTION = 1000; // as the API
const COUNTER_FROM = 800; // show the length counter from here on
const MAX_INPUT_HEIGHT = 200; // pixels; the question box grows with its text up to this
const NARROW = window.matchMedia("(max-width: 56rem)"); // as the breakpoint in app.css

const $ = (id) => document.getElementById(id);
const ui = {
  layout: $("layout"),
  scroller: $("scroller"),
  intro: $("intro"),
  transcript: $("transcript"),
  composer: $("composer"),
  question: $("question"),
  send: $("send"),
  stop: $("stop"),
  counter: $("counter"),
  newChat: $("new-chat"),
  article: $("article"),
  articleCite: $("article-cite"),
  articleContent: $("article-content"),
  articleClose: $("article-close"),
};

const state = {
  turns: [],
  streaming: null, // AbortController of the answer being streamed
  articles: new Map(), // article id -> article, fetched once
  articleLoad: null, // AbortController of the article being fetched
  openTurn: null, // the turn whose citation is open
  trigger: null, // the marker or source that opened it
};

function errorBox(message, retry) {
  return el(
    "div",
    { class: "error", role: "alert" },
    el("strong", { text: "出错了" }),
    el("span", { class: "error-text", text: message }),
    retry ? el("button", { type: "button", class: "secondary retry", onclick: retry, text: "重试" }) : null,
  );
}

// Keeps the newest text in view while it streams, unless the reader has scrolled up to read.
function follow(update) {
  const { scrollTop, scrollHeight, clientHeight } = ui.scroller;
  const atEnd = scrollHeight - scrollTop - clientHeight < 96;
  update();
  if (atEnd) ui.scroller.scrollTop = ui.scroller.scrollHeight;
}

class Turn {
  constructor(question) {
    this.question = question;
    this.answer = "";
    this.keep = false; // part of the conversation sent with later questions
    this.text = el("div", { class: "answer-text" });
    this.status = el("p", { class: "status", text: "正在查找资料…" });
    this.bubble = el("div", { class: "bubble assistant streaming", "aria-busy": "true" }, this.text, this.status);
    this.sources = el("div", { class: "sources" });
    this.node = el(
      "li",
      { class: "turn" },
      el("div", { class: "msg user" }, el("p", { class: "bubble user", text: question })),
      el("div", { class: "msg assistant", "aria-live": "polite" }, this.bubble, this.sources),
    );
  }

  cite(citation, trigger) {
    const short = this.shortAnswer?.citation === citation.n ? this.shortAnswer : null;
    openCitation(citation, this, trigger, short);
  }

  grow(text) {
    this.answer = text;
    this.status.textContent = "";
    renderAnswerText(this.text, text, [], null);
  }

  finish({ content, citations, noAnswer, confidence, reason, shortAnswer }) {
    this.answer = content;
    this.keep = true;
    this.shortAnswer = noAnswer ? null : shortAnswer;
    this.status.remove();
    const onCite = (citation, trigger) => this.cite(citation, trigger);
    if (noAnswer) {
      this.bubble.classList.add("no-answer");
      renderNoAnswer(this.text, this.sources, content, citations, onCite, reason);
    } else {
      renderAnswerText(this.text, content || "（回答是空的）", citations, onCite, this.shortAnswer);
      renderSources(this.sources, content, citations, onCite);
      const note = confidenceNote(confidence);
      if (note) {
        this.bubble.classList.add("low-confidence");
        this.bubble.append(note);
      }
    }
    this.settle("done");
  }

  stopped() {
    this.keep = this.answer !== "";
    this.status.textContent = this.answer ? "已停止：回答不完整。" : "已停止。";
    this.settle("stopped");
  }

  failed(error, retry) {
    this.status.remove();
    if (!this.answer) this.bubble.remove();
    const known = error?.name === "ApiError";
    const message = known ? error.message : `页面出错：${error?.message ?? error}`;
    // The same request would be refused again (4xx): no retry, but the question is back in the box to edit.
    const refused = known && error.kind === "http" && error.status < 500;
    if (refused && !ui.question.value) {
      ui.question.value = this.question;
      fitQuestion();
    }
    this.sources.replaceChildren(errorBox(message, refused ? null : retry));
    this.settle("failed");
  }

  settle(outcome) {
    this.bubble.classList.remove("streaming");
    this.bubble.removeAttribute("aria-busy");
    this.node.dataset.state = outcome;
  }
}

function setBusy(busy) {
  ui.send.disabled = busy;
  ui.stop.hidden = !busy;
  ui.layout.classList.toggle("busy", busy);
}

function history() {
  return state.turns
    .filter((turn) => turn.keep)
    .flatMap((turn) => [
      { role: "user", content: turn.question },
      { role: "assistant", content: turn.answer },
    ])
    .slice(-MAX_HISTORY);
}

async function ask(question) {
  if (state.streaming) return;
  const messages = [...history(), { role: "user", content: question }];
  const turn = new Turn(question);
  state.turns.push(turn);
  ui.intro.hidden = true;
  ui.transcript.append(turn.node);
  ui.scroller.scrollTop = ui.scroller.scrollHeight;
  const controller = new AbortController();
  state.streaming = controller;
  setBusy(true);
  try {
    const reply = await streamChat(messages, {
      signal: controller.signal,
      onText: (text) => follow(() => turn.grow(text)),
    });
    follow(() => turn.finish(reply));
  } catch (error) {
    if (error?.name === "AbortError") turn.stopped();
    else follow(() => turn.failed(error, () => retry(turn)));
  } finally {
    if (state.streaming === controller) {
      state.streaming = null;
      setBusy(false);
    }
  }
}

function retry(turn) {
  if (state.streaming) return;
  state.turns = state.turns.filter((t) => t !== turn);
  if (state.openTurn === turn) closeArticle();
  turn.node.remove();
  ask(turn.question);
}

function submit() {
  const question = ui.question.value.trim();
  if (!question || state.streaming) {
    ui.question.focus();
    return;
  }
  ui.question.value = "";
  fitQuestion();
  ask(question);
}

function fitQuestion() {
  ui.question.style.height = "auto";
  const height = ui.question.scrollHeight + ui.question.offsetHeight - ui.question.clientHeight;
  ui.question.style.height = `${Math.min(height, MAX_INPUT_HEIGHT)}px`;
  ui.question.style.overflowY = height > MAX_INPUT_HEIGHT ? "auto" : "hidden";
  const length = ui.question.value.length;
  ui.counter.textContent = length >= COUNTER_FROM ? `${length}/${MAX_QUESTION}` : "";
  ui.counter.classList.toggle("full", length >= MAX_QUESTION);
}

// -- the cited article -------------------------------------------------------------------------------

function placeArticle() {
  const below = NARROW.matches && state.openTurn;
  const home = below ? state.openTurn.node : ui.layout;
  if (ui.article.parentElement !== home) home.append(ui.article);
}

function setTrigger(trigger) {
  state.trigger?.classList.remove("active");
  state.trigger = trigger ?? null;
  state.trigger?.classList.add("active");
}

async function openCitation(citation, turn, trigger, short = null) {
  setTrigger(trigger);
  state.openTurn = turn;
  placeArticle();
  ui.article.hidden = false;
  ui.layout.classList.add("with-article");
  ui.article.dataset.n = citation.n;
  ui.articleCite.textContent = `出处 ${citation.n}`;
  state.articleLoad?.abort();
  const load = new AbortController();
  state.articleLoad = load;
  let article = state.articles.get(citation.article_id);
  if (!article) {
    ui.articleContent.replaceChildren(el("p", { class: "status", text: "正在打开原文…" }));
    try {
      article = await getArticle(citation.article_id, load.signal);
    } catch (error) {
      if (error?.name === "AbortError") return;
      ui.articleContent.replaceChildren(errorBox(`打不开原文。${error.message}`));
      return;
    }
    state.articles.set(citation.article_id, article);
  }
  if (state.articleLoad !== load) return; // another citation was clicked meanwhile
  const body = renderArticle(ui.articleContent, article, citation, short);
  if (citedText(article, citation) !== citation.text) {
    const note = "这篇文章在回答之后更新过：高亮的位置可能不准。";
    ui.articleContent.prepend(el("p", { class: "warning", role: "note", text: note }));
  }
  // Below the answer (narrow screens) the panel first comes into view in the conversation.
  if (NARROW.matches) ui.article.scrollIntoView({ block: "nearest" });
  scrollToHighlight(body);
  ui.article.dataset.ready = "true";
}

function closeArticle() {
  state.articleLoad?.abort();
  ui.article.hidden = true;
  delete ui.article.dataset.ready;
  ui.layout.classList.remove("with-article");
  const trigger = state.trigger;
  setTrigger(null);
  state.openTurn = null;
  placeArticle();
  if (trigger?.isConnected) trigger.focus();
}

function newConversation() {
  state.streaming?.abort();
  state.streaming = null;
  setBusy(false);
  closeArticle();
  state.turns = [];
  ui.transcript.replaceChildren();
  ui.intro.hidden = false;
  ui.question.value = "";
  fitQuestion();
  ui.question.focus();
}

// -- wiring ------------------------------------------------------------------------------------------

ui.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});
ui.question.addEventListener("keydown", (event) => {
  // Enter sends, Shift+Enter is a new line; Enter that confirms an input-method candidate does neither.
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    submit();
  }
});
ui.question.addEventListener("input", fitQuestion);
ui.stop.addEventListener("click", () => state.streaming?.abort());
ui.newChat.addEventListener("click", newConversation);
ui.articleClose.addEventListener("click", closeArticle);
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !ui.article.hidden) closeArticle();
});
NARROW.addEventListener("change", placeArticle);
fitQuestion();
document.documentElement.dataset.ready = "true";
ui.question.focus();
