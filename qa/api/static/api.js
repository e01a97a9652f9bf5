// The two calls the page makes: a streamed chat completion and an article.
import { sseData } from "./sse.js";

export class ApiError extends Error {
  // kind: "network" (no connection), "http" (an error status), "stream" (broke off after it began)
  constructor(message, kind, status = null) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.status = status;
  }
}

const STATUS_NAMES = {
  400: "请求有误",
  404: "找不到",
  422: "请求有误",
  429: "请求太频繁",
  500: "服务器出错",
  502: "网关出错",
  503: "服务暂不可用",
  504: "服务器响应超时",
};

function serverMessage(body) {
  // /v1 errors: {"error": {"message"}}; the rest of the API: {"message"} or {"detail"}.
  if (typeof body?.error?.message === "string") return body.error.message;
  if (typeof body?.message === "string") return body.message;
  if (typeof body?.detail === "string") return body.detail;
  if (Array.isArray(body?.detail)) return body.detail.map((d) => d?.msg ?? "").join("; ");
  return "";
}

async function describe(response) {
  let detail = "";
  try {
    const text = await response.text();
    try {
      detail = serverMessage(JSON.parse(text));
    } catch {
      detail = text.trim().slice(0, 300);
    }
  } catch {
    // The body could not be read; the status says enough.
  }
  const name = STATUS_NAMES[response.status] ?? (response.status >= 500 ? "服务器出错" : "请求失败");
  return `${name}（HTTP ${response.status}）${detail ? `：${detail}` : ""}`;
}

async function request(url, options) {
  let response;
  try {
    response = await fetch(url, options);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError("无法连接到服务器：服务可能没有运行，或者网络断了。", "network");
  }
  if (!response.ok) throw new ApiError(await describe(response), "http", response.status);
  return response;
}

// Streams the answer to the last message of `messages`; onText(textSoFar) is called as it grows.
// Resolves to {content, citations, noAnswer, confidence, reason, shortAnswer}; rejects with ApiError, or an AbortError when stopped.
export async function streamChat(messages, { signal, onText }) {
  const response = await request("/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ stream: true, messages }),
    signal,
  });
  let content = "";
  let final = null;
  try {
    for await (const data of sseData(response.body)) {
      if (data === "[DONE]") break;
      let chunk;
      try {
        chunk = JSON.parse(data);
      } catch {
        throw new ApiError("服务器发来的数据无法解读。", "stream");
      }
      if (chunk.error) throw new ApiError(`回答没能完成：${chunk.error.message ?? "未知错误"}`, "stream");
      const choice = chunk.choices?.[0];
      const piece = choice?.delta?.content;
      if (piece) {
        content += piece;
        onText(content);
      }
      if (choice?.finish_reason) final = chunk;
    }
  } catch (error) {
    if (error.name === "AbortError" || error instanceof ApiError) throw error;
    throw new ApiError("与服务器的连接中断了，回答不完整。", "stream");
  }
  if (final === null) throw new ApiError("与服务器的连接中断了，回答不完整。", "stream");
  return {
    content,
    citations: final.citations ?? [],
    noAnswer: Boolean(final.no_answer),
    confidence: typeof final.confidence === "number" ? final.confidence : null,
    reason: final.reason ?? null,
    shortAnswer: final.short_answer ?? null,
  };
}

export async function getArticle(id, signal) {
  const response = await request(`/articles/${encodeURIComponent(id)}`, { signal });
  return response.json();
}
