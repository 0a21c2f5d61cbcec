// The live workspace: one websocket per page, subscribed to the streams the page names
// (body[data-live-streams]). The server numbers each stream's events in the database; the page keeps
// the last number it applied per stream (also in sessionStorage) and, after a dropped socket, asks for
// what came after it. Items are put in place by their id, so an event seen twice changes nothing.
(() => {
  const body = document.body;
  if (!body || !body.dataset.liveUrl || !("WebSocket" in window)) return;
  const streams = (body.dataset.liveStreams || "").split(/\s+/).filter(Boolean);
  if (!streams.length) return;
  const since = body.dataset.liveSince;
  const SIGNED_OUT = [4401, 4403];
  const last = {};
  let socket = null;
  let attempt = 0;
  let pending = Promise.resolve(); // events are applied one at a time, in order

  // The numbers belong to this rendering of the page (a page restored from history resumes them).
  const storeKey = (stream) => `live:${since}:${stream}`;
  streams.forEach((stream) => {
    const stored = Number.parseInt(sessionStorage.getItem(storeKey(stream)) || "", 10);
    if (Number.isInteger(stored)) last[stream] = stored;
  });
  function remember(stream, seq) {
    last[stream] = seq;
    try {
      sessionStorage.setItem(storeKey(stream), String(seq));
    } catch (_error) {
      // storage full or refused: the number in memory still serves this page
    }
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  // Every minute or so, and when the page is looked at again, the page checks in: what a doorbell
  // dropped on the way left unsaid comes then (the server reads it from the database).
  function checkIn() {
    streams.forEach((stream) => {
      if (last[stream] !== undefined) send({ sync: stream });
    });
  }
  setInterval(checkIn, 50000 + Math.random() * 20000);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") checkIn();
  });

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + body.dataset.liveUrl);
    socket.addEventListener("open", () => {
      attempt = 0;
      showPaused(false);
      streams.forEach((stream) => {
        const seq = last[stream];
        send(seq === undefined ? { subscribe: stream, since } : { subscribe: stream, after: seq });
      });
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (_error) {
        return;
      }
      handle(message);
    });
    socket.addEventListener("close", (event) => {
      socket = null;
      if (SIGNED_OUT.includes(event.code)) return;
      showPaused(true);
      const delay = Math.min(15000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt += 1;
      setTimeout(connect, delay);
    });
  }

  function handle(message) {
    if (message.presence) return presence.heard(message.presence);
    const stream = message.stream;
    if (!streams.includes(stream)) return;
    if (message.reload) return reloadOnce();
    if (message.subscribed) {
      if (last[stream] === undefined || message.seq > last[stream]) remember(stream, message.seq);
      if (stream.startsWith("ticket:")) presence.announce();
      return;
    }
    if (typeof message.seq !== "number") return;
    if (last[stream] !== undefined && message.seq <= last[stream]) return; // already applied
    remember(stream, message.seq);
    pending = pending.then(() => apply(stream, message)).catch(() => undefined);
  }

  // A page told to reload reloads, but not again within a minute: a page that keeps missing too
  // much says it is paused instead of reloading in a loop.
  function reloadOnce() {
    const last = Number.parseInt(sessionStorage.getItem("live:reloaded") || "0", 10);
    if (Date.now() - last < 60000) return showPaused(true);
    try {
      sessionStorage.setItem("live:reloaded", String(Date.now()));
    } catch (_error) {
      // without storage the reload still happens
    }
    location.reload();
    return undefined;
  }

  function apply(stream, message) {
    const kind = stream.split(":")[0];
    if (kind === "user") return refreshBell();
    if (kind === "ticket" && message.kind === "message") {
      return addMessage(message.payload.message, message.payload.message_kind);
    }
    if (kind === "ticket") return refreshSummary();
    if (kind === "queue") return document.getElementById("chat-console") ? refreshChats() : refreshRow(message.payload.ticket);
    if (kind === "approvals") return refreshApprovals();
    return undefined;
  }

  async function fragment(url) {
    const response = await fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
    if (response.status === 204) return null;
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.text();
  }

  function element(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function swapIn(old, html) {
    const fresh = element(html);
    if (!old || !fresh) return fresh;
    old.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    return fresh;
  }

  const withId = (url, id) => url.replace(/\/0\/$/, `/${id}/`);

  async function refreshBell() {
    // Only the count: an open dropdown stays open (it loads its notices when opened).
    const count = document.getElementById("bell-count");
    const url = count && count.getAttribute("hx-get");
    if (url) swapIn(document.getElementById("bell-count"), await fragment(url));
  }

  async function addMessage(id, messageKind) {
    const anchor = document.getElementById("presence");
    const end = document.getElementById("thread-end");
    if (!anchor || !end || document.getElementById(`message-${id}`)) return;
    const html = await fragment(withId(anchor.dataset.messageUrl, id));
    if (!html || document.getElementById(`message-${id}`)) return;
    const article = element(html);
    article.classList.add("live-new");
    end.before(article);
    const empty = document.querySelector("#thread > p.muted");
    if (empty) empty.remove();
    if (messageKind === "customer") {
      const hint = document.querySelector("[data-crossing-hint]");
      const typed = document.getElementById("id_reply-body");
      if (hint && typed && typed.value.trim()) hint.hidden = false;
    }
  }

  // The summary, properties and history of the ticket, each replacing the element of its id.
  async function refreshSummary() {
    const anchor = document.getElementById("presence");
    const html = anchor && (await fragment(anchor.dataset.summaryUrl));
    if (!html) return;
    const template = document.createElement("template");
    template.innerHTML = html;
    [...template.content.children].forEach((fresh) => {
      const old = fresh.id && document.getElementById(fresh.id);
      if (!old) return;
      old.replaceWith(fresh);
      if (window.htmx) window.htmx.process(fresh);
    });
  }

  async function refreshRow(id) {
    const live = document.getElementById("queue-live");
    if (!live || typeof id !== "number") return;
    const html = await fragment(withId(live.dataset.queueRowUrl, id) + location.search);
    const row = document.querySelector(`#queue-results tr[data-ticket="${id}"]`);
    if (html === null) {
      if (row) row.remove();
      return;
    }
    if (row) return void swapIn(row, html);
    const rows = document.querySelector("#queue-results tbody");
    if (rows && !new URLSearchParams(location.search).get("cursor")) {
      const fresh = element(html);
      fresh.classList.add("live-new");
      rows.prepend(fresh);
    } else if (!rows) {
      const results = document.getElementById("queue-results");
      swapIn(results, await fragment(location.pathname + location.search));
    }
  }

  // The chat console: its lists rendered afresh (a chat came, was taken or left).
  async function refreshChats() {
    const response = await fetch(location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("chat-console");
    const old = document.getElementById("chat-console");
    if (fresh && old) old.replaceWith(document.importNode(fresh, true));
  }

  async function refreshApprovals() {
    const list = document.getElementById("approvals-list");
    if (!list) return;
    const response = await fetch(location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("approvals-list");
    if (!fresh) return;
    const wanted = new Set([...fresh.querySelectorAll("article.approval")].map((a) => a.id));
    // Keep the cards still waiting as they are (a comment may be half written), and a card decided on
    // this page (its outcome stays in view until the next visit); add and drop the others.
    list.querySelectorAll("article.approval").forEach((card) => {
      if (!wanted.has(card.id) && !card.querySelector(".decided")) card.remove();
    });
    fresh.querySelectorAll("article.approval").forEach((card) => {
      if (document.getElementById(card.id)) return;
      const adopted = document.importNode(card, true);
      list.append(adopted);
      if (window.htmx) window.htmx.process(adopted);
    });
    const empty = list.querySelector("[data-approvals-empty]");
    if (empty && wanted.size) empty.remove();
    if (!wanted.size && !empty) {
      const placeholder = fresh.querySelector("[data-approvals-empty]");
      if (placeholder) list.append(document.importNode(placeholder, true));
    }
    const count = document.getElementById("approvals-count");
    const freshCount = page.getElementById("approvals-count");
    if (count && freshCount) count.textContent = freshCount.textContent;
  }

  function showPaused(paused) {
    let notice = document.getElementById("live-status");
    if (!paused) {
      if (notice) notice.hidden = true;
      return;
    }
    if (!notice) {
      notice = document.createElement("p");
      notice.id = "live-status";
      notice.className = "live-status";
      notice.setAttribute("role", "status");
      notice.textContent = body.dataset.liveReconnecting || "";
      body.append(notice);
    }
    notice.hidden = false;
  }

  // Who else is on this ticket: "Anna is viewing this ticket", "Anna is typing a reply".
  const presence = (() => {
    const line = document.getElementById("presence");
    const ticket = line ? Number.parseInt(line.dataset.presenceTicket, 10) : NaN;
    const people = new Map();
    let lastTyping = 0;

    function render() {
      if (!line) return;
      const now = Date.now();
      const parts = [];
      people.forEach((person, user) => {
        if (person.until < now) return void people.delete(user);
        const typing = person.typingUntil > now;
        const text = typing ? line.dataset.typingText : line.dataset.viewingText;
        parts.push((text || "{name}").replace("{name}", person.name));
      });
      const shown = parts.join(" · ");
      if (line.textContent !== shown) line.textContent = shown;
    }

    if (line && Number.isInteger(ticket)) {
      setInterval(() => send({ viewing: ticket }), 20000);
      setInterval(render, 1000);
      document.addEventListener("input", (event) => {
        if (!(event.target instanceof HTMLTextAreaElement) || event.target.id !== "id_reply-body") return;
        if (Date.now() - lastTyping < 3000) return;
        lastTyping = Date.now();
        send({ typing: ticket });
      });
    }

    return {
      announce() {
        if (line && Number.isInteger(ticket)) send({ viewing: ticket, hello: true });
      },
      heard(event) {
        if (!line || event.ticket !== ticket) return;
        if (event.state === "left") {
          people.delete(event.user);
        } else {
          const person = people.get(event.user) || { name: event.name, until: 0, typingUntil: 0 };
          const until = Date.now() + event.ttl * 1000;
          if (event.state === "typing") person.typingUntil = until;
          person.until = Math.max(person.until, until);
          person.name = event.name;
          people.set(event.user, person);
        }
        render();
      },
    };
  })();

  connect();
})();
