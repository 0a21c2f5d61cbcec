// The chat widget inside its iframe (docs/chat.md). It talks to the helpdesk on its own origin: HTTP
// for everything the visitor does, a websocket for what happens (with polling while it is closed).
// The visitor's token is kept in localStorage, so the conversation survives reloads and tabs.
// Every text shown comes from the template (in the visitor's language) or from the server, and every
// text from the server is set with textContent: HTML in a message stays inert.
(() => {
  "use strict";
  const configElement = document.getElementById("chat-config");
  if (!configElement) return;
  const config = JSON.parse(configElement.textContent);
  const api = config.api.endsWith("/") ? config.api : `${config.api}/`;
  const storeKey = `hd-chat:${config.key}`;
  const $ = (selector) => document.querySelector(selector);

  // --- Texts from the template ---------------------------------------------------------------
  const strings = {};
  const stringsTemplate = document.getElementById("chat-strings");
  if (stringsTemplate) {
    stringsTemplate.content.querySelectorAll("[data-s]").forEach((span) => {
      strings[span.dataset.s] = span.textContent.trim();
    });
  }
  function text(name, values) {
    return (strings[name] || "").replace(/%\((\w+)\)s/g, (whole, key) => (values && key in values ? String(values[key]) : whole));
  }

  // --- Elements -----------------------------------------------------------------------------
  const screens = {
    start: $('[data-screen="start"]'),
    talk: $('[data-screen="talk"]'),
    end: $('[data-screen="end"]'),
  };
  const alertLine = $("[data-alert]");
  const startForm = $('[data-form="start"]');
  const messageForm = $('[data-form="message"]');
  const endForm = $('[data-form="end"]');
  const ratingForm = $('[data-form="rating"]');
  const log = $("[data-log]");
  const queueLine = $("[data-queue]");
  const typingLine = $("[data-typing]");
  const emailMeButton = $('[data-action="email-me"]');
  const closedNote = $("[data-closed-note]");
  const composer = messageForm.elements.body;
  const filePicker = messageForm.elements.files;
  const maxFiles = Number(filePicker.dataset.maxFiles) || 0;
  const maxFileBytes = (Number(filePicker.dataset.maxFileMb) || 0) * 1024 * 1024;

  // --- State --------------------------------------------------------------------------------
  let token = null;
  let seq = 0; // the highest event number applied: an event at or below it is never applied again
  let conversation = null;
  let offline = false;
  let longWait = false; // GET status said reason "long_wait"
  const shown = new Map(); // message id -> its element
  const pending = new Map(); // client id -> {clientId, body, files, element, failed, done}
  let socket = null;
  let attempt = 0;
  let reconnectTimer = null;
  let pollTimer = null;
  let pingTimer = null;
  let typingTimer = null;
  let lastTypingSent = 0;
  let readSent = 0;
  let unread = 0;
  let parentSaysHidden = false; // the loader tells us when the frame is closed
  let refetching = null; // while the conversation is fetched again, events wait here
  let startClientId = null;

  // --- Storage (may be refused in a third-party frame: memory still serves this page) ---------
  function loadStored() {
    try {
      const stored = JSON.parse(localStorage.getItem(storeKey) || "null");
      if (stored && typeof stored.token === "string") return stored;
    } catch (_error) {
      // nothing stored, or storage refused
    }
    return null;
  }
  function store() {
    try {
      if (token) localStorage.setItem(storeKey, JSON.stringify({ token, seq }));
      else localStorage.removeItem(storeKey);
    } catch (_error) {
      // storage full or refused
    }
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
    else bytes.forEach((_b, i) => (bytes[i] = Math.floor(Math.random() * 256)));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // --- The HTTP API -------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, data, retryAfter) {
      super((data && data.detail) || "");
      this.status = status;
      this.detail = (data && data.detail) || "";
      this.field = (data && data.field) || "";
      this.retryAfter = retryAfter;
    }
  }

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // A 429 shows its detail and is tried again after Retry-After (a few times) with the same body,
  // so a message retried this way keeps its client id.
  async function call(method, path, body, { retries = 3 } = {}) {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(api + path, { method, headers, body: payload, credentials: "omit", cache: "no-store" });
    } catch (_error) {
      throw new ApiError(0, { detail: text("network") });
    }
    let data = null;
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch (_error) {
        data = null;
      }
    }
    if (response.ok) return data;
    const retryAfter = Math.min(120, Math.max(1, Number.parseInt(response.headers.get("Retry-After") || "5", 10) || 5));
    if (response.status === 429 && retries > 0) {
      showAlert((data && data.detail) || text("error"));
      await wait(retryAfter * 1000);
      clearAlert();
      return call(method, path, body, { retries: retries - 1 });
    }
    throw new ApiError(response.status, data || { detail: text("error") }, retryAfter);
  }

  function showAlert(message) {
    alertLine.textContent = message || text("error");
  }
  function clearAlert() {
    alertLine.textContent = "";
  }

  // What every failed call does the same way: an unknown token starts over, an ended conversation
  // is fetched again (it shows the end screen); anything else is said in the alert line.
  function failed(error) {
    if (error.status === 401) return forget(error.detail);
    if (error.status === 409) {
      showAlert(error.detail);
      return refetch();
    }
    showAlert(error.detail);
    return undefined;
  }

  // --- Screens ------------------------------------------------------------------------------
  function showScreen(name) {
    Object.entries(screens).forEach(([key, screen]) => {
      screen.hidden = key !== name;
    });
  }

  function setOffline(isOffline) {
    offline = isOffline;
    startForm.querySelectorAll("[data-when]").forEach((element) => {
      element.hidden = element.dataset.when !== (isOffline ? "offline" : "online");
    });
  }

  function fillCategories(categories) {
    if (!Array.isArray(categories) || !categories.length) return;
    const select = startForm.elements.category;
    const chosen = select.value;
    while (select.options.length > 1) select.remove(1);
    categories.forEach((category) => {
      const option = document.createElement("option");
      option.value = String(category.id);
      option.textContent = category.name;
      select.append(option);
    });
    select.value = chosen;
  }

  async function showStart() {
    stopLive();
    showScreen("start");
    setOffline(false);
    try {
      const status = await call("GET", `status?lang=${encodeURIComponent(config.language || "")}`);
      setOffline(!status.online);
      longWait = status.reason === "long_wait";
      fillCategories(status.categories);
    } catch (_error) {
      // without the status the form still works: the server decides when it is sent
    }
  }

  // --- Messages -----------------------------------------------------------------------------
  const timeFormat = (() => {
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });
    } catch (_error) {
      return null;
    }
  })();

  function safeUrl(url) {
    try {
      const parsed = new URL(url, location.href);
      if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
      if (parsed.origin === location.origin && token && !parsed.searchParams.has("token")) {
        parsed.searchParams.set("token", token);
      }
      return parsed.href;
    } catch (_error) {
      return null;
    }
  }

  function fileSize(bytes) {
    if (typeof bytes !== "number") return "";
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function fillMessage(element, message) {
    element.replaceChildren();
    element.className = `msg ${message.author === "visitor" || message.author === "agent" ? message.author : "system"}`;
    if (message.id !== undefined) element.dataset.id = String(message.id);
    if (message.author !== "system") {
      const meta = document.createElement("p");
      meta.className = "msg-meta";
      meta.textContent = message.author === "visitor" ? text("you") : message.name || "";
      const when = message.at ? new Date(message.at) : null;
      if (when && !Number.isNaN(when.getTime()) && timeFormat) {
        const time = document.createElement("time");
        time.dateTime = message.at;
        time.textContent = ` · ${timeFormat.format(when)}`;
        meta.append(time);
      }
      element.append(meta);
    }
    if (message.body) {
      const body = document.createElement("p");
      body.className = "msg-body";
      body.textContent = message.body;
      element.append(body);
    }
    const attachments = Array.isArray(message.attachments) ? message.attachments : [];
    if (attachments.length) {
      const list = document.createElement("ul");
      list.className = "msg-files";
      attachments.forEach((attachment) => {
        const item = document.createElement("li");
        const href = attachment.url ? safeUrl(attachment.url) : null;
        const name = attachment.name || "";
        if (href) {
          const link = document.createElement("a");
          link.href = href;
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          link.textContent = name;
          item.append(link);
        } else {
          item.textContent = name;
        }
        const size = fileSize(attachment.size);
        if (size) item.append(` (${size})`);
        list.append(item);
      });
      element.append(list);
    }
    const state = document.createElement("p");
    state.className = "msg-state";
    element.append(state);
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }
  function scrollDown(force) {
    if (force || nearBottom()) log.scrollTop = log.scrollHeight;
  }

  // Shows a message from the server once: known by its id, or (the visitor's own) by the client id
  // of the optimistic copy already shown. Returns true when it was new.
  function showMessage(message) {
    if (!message || message.id === undefined || shown.has(message.id)) return false;
    const stick = nearBottom();
    const mine = message.client_id ? pending.get(message.client_id) : null;
    let element;
    if (mine) {
      mine.done = true;
      pending.delete(message.client_id);
      element = mine.element;
      if (!element.isConnected) log.append(element); // the list was drawn again meanwhile
    } else {
      element = document.createElement("li");
      log.append(element);
    }
    fillMessage(element, message);
    shown.set(message.id, element);
    scrollDown(stick);
    return !mine;
  }

  function systemLine(line) {
    if (!line) return;
    const stick = nearBottom();
    const element = document.createElement("li");
    element.className = "msg system";
    const body = document.createElement("p");
    body.className = "msg-body";
    body.textContent = line;
    element.append(body);
    log.append(element);
    scrollDown(stick);
  }

  function setPendingState(item, state) {
    item.failed = state === "failed";
    item.element.classList.toggle("failed", item.failed);
    const line = item.element.querySelector(".msg-state");
    line.replaceChildren(text(state === "failed" ? "failed" : "sending"));
    if (state === "failed") {
      const retry = document.createElement("button");
      retry.type = "button";
      retry.textContent = text("retry");
      retry.addEventListener("click", () => deliver(item));
      line.append(retry);
    }
  }

  // The agent has seen the visitor's messages up to `upto`: "Seen" under the last of them.
  function markSeen(upto) {
    const mine = [...log.querySelectorAll(".msg.visitor[data-id]")];
    let last = mine.find((element) => element.dataset.id === String(upto)) || null;
    if (!last && typeof upto === "number") last = mine.filter((element) => Number(element.dataset.id) <= upto).pop() || null;
    if (!last) return;
    log.querySelectorAll(".msg.visitor .msg-state.seen").forEach((line) => {
      line.classList.remove("seen");
      line.textContent = "";
    });
    const line = last.querySelector(".msg-state");
    line.classList.add("seen");
    line.textContent = text("seen");
  }

  // --- Sending ------------------------------------------------------------------------------
  function checkFiles(files) {
    if (maxFiles && files.length > maxFiles) return text("too_many");
    for (const file of files) {
      if (maxFileBytes && file.size > maxFileBytes) return text("too_big", { name: file.name });
      const isImage = (file.type || "").startsWith("image/");
      const isPdf = file.type === "application/pdf" || /\.pdf$/i.test(file.name);
      if (!isImage && !isPdf) return text("bad_type", { name: file.name });
    }
    return "";
  }

  function send(event) {
    event.preventDefault();
    const body = composer.value.trim();
    const files = [...(filePicker.files || [])];
    if (!body && !files.length) return showAlert(text("empty"));
    const problem = checkFiles(files);
    if (problem) return showAlert(problem);
    clearAlert();
    const item = { clientId: newClientId(), body, files, element: document.createElement("li"), failed: false, done: false };
    fillMessage(item.element, {
      author: "visitor",
      body,
      attachments: files.map((file) => ({ name: file.name, size: file.size })),
    });
    log.append(item.element);
    scrollDown(true);
    pending.set(item.clientId, item);
    composer.value = "";
    filePicker.value = "";
    deliver(item);
    return undefined;
  }

  // Sends (or sends again) one message, always with its own client id: the server answers a client
  // id it has seen with the message it made then, so a retry never makes two.
  async function deliver(item) {
    if (item.done) return;
    setPendingState(item, "sending");
    let payload;
    if (item.files.length) {
      payload = new FormData();
      payload.append("client_id", item.clientId);
      payload.append("body", item.body);
      item.files.forEach((file) => payload.append("files", file, file.name));
    } else {
      payload = { client_id: item.clientId, body: item.body };
    }
    try {
      const data = await call("POST", "messages", payload);
      if (data && data.message) showMessage(data.message);
      clearAlert();
    } catch (error) {
      if (item.done) return; // the message came in by its event meanwhile
      setPendingState(item, "failed");
      item.retryable = error.status === 0 || error.status >= 500; // tried again once reconnected
      failed(error);
    }
  }

  function retryFailed() {
    pending.forEach((item) => {
      if (item.failed && item.retryable && !item.done) deliver(item);
    });
  }

  // --- The conversation ---------------------------------------------------------------------
  function isOpen() {
    return conversation && (conversation.state === "queued" || conversation.state === "active");
  }

  function setState(state) {
    conversation.state = state;
    const open = isOpen();
    messageForm.hidden = !open;
    endForm.hidden = !open;
    closedNote.hidden = state !== "email";
    $('[data-screen="talk"] [data-action="new"]').hidden = open;
    if (state !== "queued") {
      emailMeButton.hidden = true;
      if (state !== "active") queueLine.textContent = "";
    }
    if (!open) {
      stopLive();
      typingLine.textContent = "";
    }
    if (state === "ended") showEnd();
  }

  // "Continue by email" when the wait is long: no estimate (minutes null), GET status said so, or
  // the server flags it (its queue text then offers the email).
  function showQueue(queueText, minutes, flaggedLong) {
    if (!conversation || conversation.state !== "queued") return;
    queueLine.textContent = queueText || "";
    emailMeButton.hidden = !(minutes === null || flaggedLong === true || longWait);
  }

  // Shows a whole conversation as the server has it (on load, after `reload`, after end/email_me).
  function render(data) {
    conversation = data;
    shown.clear();
    log.replaceChildren();
    (data.messages || []).forEach(showMessage);
    pending.forEach((item) => log.append(item.element)); // still on their way: they stay in view
    seq = typeof data.seq === "number" ? data.seq : 0;
    store();
    queueLine.textContent = data.state === "queued" || data.state === "active" ? data.queue_text || "" : "";
    showScreen("talk");
    setState(data.state);
    if (data.state === "queued") showQueue(data.queue_text, data.minutes, data.long_wait);
    scrollDown(true);
    seenNow();
  }

  function showEnd() {
    showScreen("end");
    $("[data-transcript-note]").hidden = !conversation.transcript_sent;
    ratingForm.hidden = Boolean(conversation.rated);
    $("[data-rated]").hidden = !conversation.rated;
  }

  async function refetch() {
    if (refetching) return refetching.promise;
    refetching = { queue: [] };
    refetching.promise = (async () => {
      try {
        const data = await call("GET", "conversation");
        const waiting = refetching.queue;
        refetching = null;
        render(data.conversation);
        waiting.forEach(applyEvent);
        if (isOpen()) connect();
      } catch (error) {
        refetching = null;
        if (error.status === 0 || error.status >= 500) {
          showAlert(text("reconnecting")); // the helpdesk is out of reach: try again shortly
          setTimeout(refetch, 5000);
        } else {
          failed(error);
        }
      }
    })();
    return refetching.promise;
  }

  // Starts over with an empty form: the token is unknown (401) or the visitor asked for a new chat.
  function forget(detail) {
    token = null;
    conversation = null;
    seq = 0;
    readSent = 0;
    store();
    shown.clear();
    pending.clear();
    log.replaceChildren();
    if (detail) showAlert(detail);
    else clearAlert();
    showStart();
  }

  // --- Events -------------------------------------------------------------------------------
  function applyEvent(event) {
    if (!event || typeof event.seq !== "number") return;
    if (refetching) return void refetching.queue.push(event);
    if (event.seq <= seq) return; // already applied
    seq = event.seq;
    store();
    const payload = event.payload || {};
    switch (event.kind) {
      case "message":
        if (showMessage(payload) && payload.author === "agent") {
          typingLine.textContent = "";
          countUnread();
        }
        break;
      case "queue":
        if (conversation) showQueue(payload.text, payload.minutes, payload.long_wait);
        break;
      case "joined":
        systemLine(payload.text);
        if (conversation) {
          conversation.agent = payload.name || conversation.agent;
          setState("active");
        }
        queueLine.textContent = "";
        break;
      case "transferred":
        systemLine(payload.text);
        break;
      case "read":
        markSeen(payload.upto);
        break;
      case "email":
        systemLine(payload.text);
        if (conversation) setState("email");
        break;
      case "ended":
        systemLine(payload.text);
        if (conversation) setState("ended");
        break;
      default:
        break;
    }
    seenNow();
  }

  function handle(message) {
    if (!message || typeof message !== "object") return;
    if (message.reload) return void refetch();
    if (message.subscribed) {
      showConnected();
      return;
    }
    if (message.pong) return;
    if (message.typing && typeof message.typing === "object") return void showTyping(message.typing.name);
    if (Array.isArray(message.events)) return void message.events.forEach(applyEvent);
    applyEvent(message);
  }

  function showTyping(name) {
    if (!name) return;
    typingLine.textContent = text("typing", { name });
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      typingLine.textContent = "";
    }, 8000);
  }

  // --- Read and unread ----------------------------------------------------------------------
  function isSeen() {
    return document.visibilityState === "visible" && !parentSaysHidden;
  }

  function seenNow() {
    if (!token || !isSeen() || seq <= readSent || !conversation) return;
    readSent = seq;
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ read: seq }));
    else call("POST", "read", { seq }, { retries: 0 }).catch(() => undefined);
    setUnread(0);
  }

  function countUnread() {
    if (!isSeen()) setUnread(unread + 1);
  }

  function setUnread(count) {
    if (count === unread) return;
    unread = count;
    // The shop's origin is not known here; the count alone is no secret.
    if (window.parent !== window) window.parent.postMessage({ chat: "unread", count }, "*");
  }

  // --- The websocket, and polling while it is closed ----------------------------------------
  function connect() {
    if (!token || !isOpen()) return undefined;
    if (!("WebSocket" in window)) return startPolling();
    if (socket && socket.readyState <= WebSocket.OPEN) return undefined;
    clearTimeout(reconnectTimer);
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + location.host + (config.ws || "/ws/chat/"));
    socket = ws;
    ws.addEventListener("open", () => {
      ws.send(JSON.stringify({ token, after: seq }));
      clearInterval(pingTimer);
      pingTimer = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ ping: 1 }));
      }, 25000);
    });
    ws.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (_error) {
        return;
      }
      handle(message);
    });
    ws.addEventListener("close", () => {
      if (socket !== ws) return; // replaced or stopped on purpose
      socket = null;
      clearInterval(pingTimer);
      if (!token || !isOpen()) return;
      showAlert(text("reconnecting"));
      startPolling();
      const delay = Math.min(30, 2 ** attempt) * 1000;
      attempt += 1;
      reconnectTimer = setTimeout(connect, delay);
    });
    return undefined;
  }

  function showConnected() {
    attempt = 0;
    stopPolling();
    if (alertLine.textContent === text("reconnecting")) clearAlert();
    retryFailed();
    seenNow();
  }

  function startPolling() {
    if (pollTimer || !token) return;
    pollTimer = setInterval(poll, 5000);
  }
  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
  }
  async function poll() {
    if (!token || refetching) return;
    try {
      const data = await call("GET", `events?after=${seq}`, undefined, { retries: 0 });
      if (data.reload) return void refetch();
      (data.events || []).forEach(applyEvent);
      if (!isOpen()) stopPolling();
    } catch (error) {
      if (error.status === 401) failed(error);
    }
  }

  function stopLive() {
    clearTimeout(reconnectTimer);
    clearInterval(pingTimer);
    stopPolling();
    const ws = socket;
    socket = null;
    if (ws) ws.close();
  }

  // --- What the visitor does ----------------------------------------------------------------
  function categoryValue(value) {
    if (!value) return undefined;
    return /^\d+$/.test(value) ? Number(value) : value;
  }

  async function start(event) {
    event.preventDefault();
    if (!startForm.reportValidity()) return;
    const fields = startForm.elements;
    const button = startForm.querySelector('button[type="submit"]');
    startClientId = startClientId || newClientId();
    const body = {
      name: fields.name.value.trim(),
      email: fields.email.value.trim(),
      language: config.language,
      body: fields.body.value.trim(),
      client_id: startClientId,
    };
    if (fields.order_number.value.trim()) body.order_number = fields.order_number.value.trim();
    const category = categoryValue(fields.category.value);
    if (category !== undefined) body.category = category;
    if (offline) body.offline = true;
    button.disabled = true;
    try {
      // ?lang= so that a refusal comes in the visitor's language (as for GET status)
      const data = await call("POST", `start?lang=${encodeURIComponent(config.language || "")}`, body);
      startClientId = null;
      token = data.token;
      clearAlert();
      startForm.reset();
      render(data.conversation);
      if (isOpen()) {
        connect();
        composer.focus();
      }
    } catch (error) {
      showAlert(error.detail);
      const field = error.field && fields[error.field];
      if (field && field.focus) field.focus();
    } finally {
      button.disabled = false;
    }
  }

  async function endChat(event) {
    event.preventDefault();
    const button = endForm.querySelector("button");
    button.disabled = true;
    try {
      const data = await call("POST", "end", { transcript: endForm.elements.transcript.checked });
      render(data.conversation);
      if (!screens.end.hidden) $("[data-end-heading]").focus();
    } catch (error) {
      failed(error);
    } finally {
      button.disabled = false;
    }
  }

  async function emailMe() {
    emailMeButton.disabled = true;
    try {
      const data = await call("POST", "email_me");
      render(data.conversation);
    } catch (error) {
      failed(error);
    } finally {
      emailMeButton.disabled = false;
    }
  }

  async function rate(event) {
    event.preventDefault();
    const chosen = ratingForm.querySelector('input[name="rating"]:checked');
    if (!chosen) return showAlert(text("pick_rating"));
    const button = ratingForm.querySelector('button[type="submit"]');
    button.disabled = true;
    const body = { rating: Number(chosen.value) };
    const comment = ratingForm.elements.comment.value.trim();
    if (comment) body.comment = comment;
    try {
      await call("POST", "rating", body);
      clearAlert();
      conversation.rated = true;
      ratingForm.hidden = true;
      const thanks = $("[data-rated]");
      thanks.hidden = false;
      thanks.setAttribute("tabindex", "-1");
      thanks.focus();
    } catch (error) {
      failed(error);
    } finally {
      button.disabled = false;
    }
    return undefined;
  }

  function closeFrame() {
    if (window.parent !== window) window.parent.postMessage({ chat: "close" }, "*");
  }

  // --- Wiring -------------------------------------------------------------------------------
  startForm.addEventListener("submit", start);
  messageForm.addEventListener("submit", send);
  endForm.addEventListener("submit", endChat);
  ratingForm.addEventListener("submit", rate);
  emailMeButton.addEventListener("click", emailMe);
  document.querySelectorAll('[data-action="new"]').forEach((button) => button.addEventListener("click", () => forget("")));
  document.querySelectorAll('[data-action="close"]').forEach((button) => button.addEventListener("click", closeFrame));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.isComposing) closeFrame();
  });

  composer.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter starts a new line; Enter that confirms an input method's text does neither.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    if (messageForm.requestSubmit) messageForm.requestSubmit();
    else send(event);
  });
  composer.addEventListener("input", () => {
    const now = Date.now();
    if (now - lastTypingSent < 3000 || !socket || socket.readyState !== WebSocket.OPEN) return;
    lastTypingSent = now;
    socket.send(JSON.stringify({ typing: true }));
  });

  document.addEventListener("visibilitychange", seenNow);
  // The loader says when its frame is closed or opened (a closed frame's document still counts as
  // visible). Only the parent page may say so, and it can only change the unread count.
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || !event.data || event.data.chat !== "visible") return;
    parentSaysHidden = !event.data.open;
    seenNow();
  });
  window.addEventListener("online", () => {
    if (token && isOpen() && !socket) connect();
  });

  // --- Start --------------------------------------------------------------------------------
  const stored = loadStored();
  if (stored) {
    token = stored.token;
    showScreen("talk");
    messageForm.hidden = true; // until the conversation is known
    endForm.hidden = true;
    refetch();
  } else {
    showStart();
  }
})();
