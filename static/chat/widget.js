// The chat widget inside its iframe (docs/chat.md): the visitor's forms, the conversation's state and
// the events that change it, and the wiring. widget-api.js (HelpdeskChat.createApi: HTTP, token
// storage, websocket and polling) and widget-view.js (HelpdeskChat.createView: what is shown) are
// loaded before this file, by `defer` script tags in templates/chat/widget.html.
(() => {
  "use strict";
  const configElement = document.getElementById("chat-config");
  if (!configElement) return;
  const config = JSON.parse(configElement.textContent);
  const chat = window.HelpdeskChat;
  const $ = (selector) => document.querySelector(selector);

  // --- Elements -----------------------------------------------------------------------------
  const startForm = $('[data-form="start"]');
  const messageForm = $('[data-form="message"]');
  const endForm = $('[data-form="end"]');
  const ratingForm = $('[data-form="rating"]');
  const emailMeButton = $('[data-action="email-me"]');
  const composer = messageForm.elements.body;
  const filePicker = messageForm.elements.files;
  const maxFiles = Number(filePicker.dataset.maxFiles) || 0;
  const maxFileBytes = (Number(filePicker.dataset.maxFileMb) || 0) * 1024 * 1024;

  // --- State (shared with the view and the API) ---------------------------------------------
  const state = {
    token: null,
    seq: 0, // the highest event number applied: an event at or below it is never applied again
    conversation: null,
    offline: false,
    longWait: false, // GET status said reason "long_wait"
    refetching: null, // while the conversation is fetched again, events wait here
    shown: new Map(), // message id -> its element
    pending: new Map(), // client id -> {clientId, body, files, element, failed, done}
  };
  let startClientId = null;

  const view = chat.createView(state, deliver);
  const { text, showAlert, clearAlert } = view;
  const hooks = { text, showAlert, clearAlert, showTyping: view.showTyping, isOpen, applyEvent, refetch, failed, connected };
  const api = chat.createApi(config, state, hooks);
  const { call, seenNow } = api;

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

  async function showStart() {
    api.stopLive();
    view.showScreen("start");
    view.setOffline(false);
    try {
      const status = await call("GET", `status?lang=${encodeURIComponent(config.language || "")}`);
      view.setOffline(!status.online);
      state.longWait = status.reason === "long_wait";
      view.fillCategories(status.categories);
    } catch (_error) {
      // without the status the form still works: the server decides when it is sent
    }
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
    const item = { clientId: api.newClientId(), body, files, element: document.createElement("li"), failed: false, done: false };
    view.showPending(item);
    state.pending.set(item.clientId, item);
    composer.value = "";
    filePicker.value = "";
    deliver(item);
    return undefined;
  }

  // Sends (or sends again) one message, always with its own client id: the server answers a client
  // id it has seen with the message it made then, so a retry never makes two.
  async function deliver(item) {
    if (item.done) return;
    view.setPendingState(item, "sending");
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
      if (data && data.message) view.showMessage(data.message);
      clearAlert();
    } catch (error) {
      if (item.done) return; // the message came in by its event meanwhile
      view.setPendingState(item, "failed");
      item.retryable = error.status === 0 || error.status >= 500; // tried again once reconnected
      failed(error);
    }
  }

  function retryFailed() {
    state.pending.forEach((item) => {
      if (item.failed && item.retryable && !item.done) deliver(item);
    });
  }

  // --- The conversation ---------------------------------------------------------------------
  function isOpen() {
    return state.conversation && (state.conversation.state === "queued" || state.conversation.state === "active");
  }

  function setState(conversationState) {
    state.conversation.state = conversationState;
    if (!isOpen()) api.stopLive();
    view.showState(conversationState, isOpen());
  }

  // Shows a whole conversation as the server has it (on load, after `reload`, after end/email_me).
  function render(data) {
    state.conversation = data;
    view.showMessages(data.messages);
    state.seq = typeof data.seq === "number" ? data.seq : 0;
    api.store();
    view.setQueueText(data.state === "queued" || data.state === "active" ? data.queue_text || "" : "");
    view.showScreen("talk");
    setState(data.state);
    if (data.state === "queued") view.showQueue(data.queue_text, data.minutes, data.long_wait);
    view.scrollDown(true);
    seenNow();
  }

  async function refetch() {
    if (state.refetching) return state.refetching.promise;
    state.refetching = { queue: [] };
    state.refetching.promise = (async () => {
      try {
        const data = await call("GET", "conversation");
        const waiting = state.refetching.queue;
        state.refetching = null;
        render(data.conversation);
        waiting.forEach(applyEvent);
        if (isOpen()) api.connect();
      } catch (error) {
        state.refetching = null;
        if (error.status === 0 || error.status >= 500) {
          showAlert(text("reconnecting")); // the helpdesk is out of reach: try again shortly
          setTimeout(refetch, 5000);
        } else {
          failed(error);
        }
      }
    })();
    return state.refetching.promise;
  }

  // Starts over with an empty form: the token is unknown (401) or the visitor asked for a new chat.
  function forget(detail) {
    state.token = null;
    state.conversation = null;
    state.seq = 0;
    api.forgetRead();
    api.store();
    state.shown.clear();
    state.pending.clear();
    view.clearMessages();
    if (detail) showAlert(detail);
    else clearAlert();
    showStart();
  }

  // --- Events -------------------------------------------------------------------------------
  function applyEvent(event) {
    if (!event || typeof event.seq !== "number") return;
    if (state.refetching) return void state.refetching.queue.push(event);
    if (event.seq <= state.seq) return; // already applied
    state.seq = event.seq;
    api.store();
    const payload = event.payload || {};
    switch (event.kind) {
      case "message":
        if (view.showMessage(payload) && payload.author === "agent") {
          view.clearTyping();
          api.countUnread();
        }
        break;
      case "queue":
        if (state.conversation) view.showQueue(payload.text, payload.minutes, payload.long_wait);
        break;
      case "joined":
        view.systemLine(payload.text);
        if (state.conversation) {
          state.conversation.agent = payload.name || state.conversation.agent;
          setState("active");
        }
        view.setQueueText("");
        break;
      case "transferred":
        view.systemLine(payload.text);
        break;
      case "read":
        view.markSeen(payload.upto);
        break;
      case "email":
        view.systemLine(payload.text);
        if (state.conversation) setState("email");
        break;
      case "ended":
        view.systemLine(payload.text);
        if (state.conversation) setState("ended");
        break;
      default:
        break;
    }
    seenNow();
  }

  // The websocket is subscribed (it no longer backs off nor polls).
  function connected() {
    if (view.alertIs(text("reconnecting"))) clearAlert();
    retryFailed();
    seenNow();
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
    startClientId = startClientId || api.newClientId();
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
    if (state.offline) body.offline = true;
    button.disabled = true;
    try {
      // ?lang= so that a refusal comes in the visitor's language (as for GET status)
      const data = await call("POST", `start?lang=${encodeURIComponent(config.language || "")}`, body);
      startClientId = null;
      state.token = data.token;
      clearAlert();
      startForm.reset();
      render(data.conversation);
      if (isOpen()) {
        api.connect();
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
      if (!$('[data-screen="end"]').hidden) $("[data-end-heading]").focus();
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
      state.conversation.rated = true;
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
  composer.addEventListener("input", () => api.sendTyping());

  document.addEventListener("visibilitychange", seenNow);
  // The loader says when its frame is closed or opened (a closed frame's document still counts as
  // visible). Only the parent page may say so, and it can only change the unread count.
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || !event.data || event.data.chat !== "visible") return;
    api.setParentHidden(!event.data.open);
  });
  window.addEventListener("online", () => {
    if (state.token && isOpen() && !api.hasSocket()) api.connect();
  });

  // --- Start --------------------------------------------------------------------------------
  const stored = api.loadStored();
  if (stored) {
    state.token = stored.token;
    view.showScreen("talk");
    messageForm.hidden = true; // until the conversation is known
    endForm.hidden = true;
    refetch();
  } else {
    showStart();
  }
})();
