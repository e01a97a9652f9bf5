// Server-sent events read from a fetch() response body: yields the data of each event.
// Follows the event-stream format: lines end in \n, \r\n or \r; "data:" lines of one event are joined
// with \n; a blank line ends the event; lines starting with ":" are comments (keep-alive pings).

const LINE_END = /\r\n|\r|\n/;

export async function* sseData(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let data = null;
  const line = (text) => {
    if (text === "") {
      const event = data;
      data = null;
      return event;
    }
    if (text.startsWith(":")) return null;
    const colon = text.indexOf(":");
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data = data === null ? value : `${data}\n${value}`;
    return null;
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (;;) {
        const match = LINE_END.exec(buffer);
        // A \r at the very end may be the first half of \r\n: wait for more.
        if (!match || (match[0] === "\r" && match.index === buffer.length - 1)) break;
        const event = line(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
        if (event !== null) yield event;
      }
    }
    // An event not followed by a blank line is incomplete and, per the format, dropped.
  } finally {
    // Stops the download when the reader is left early (after [DONE], or when the user stops).
    await reader.cancel().catch(() => {});
  }
}
