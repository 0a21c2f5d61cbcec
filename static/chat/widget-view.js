// What the chat widget shows (docs/chat.md): the screens, the alert line, the messages, system lines,
// the queue line, typing and "Seen". Loaded before widget.js, which makes one view with
// HelpdeskChat.createView(state, onRetry) and drives it; nothing here talks to the server.
// Every text shown comes from the template (in the visitor's language) or from the server, and every
// text from the server is set with textContent: HTML in a message stays inert.
(() => {
  "use strict";
  const chat = (window.HelpdeskChat = window.HelpdeskChat || {});

  // `state`: what widget.js knows (token, conversation, longWait, shown, pending, …), read here and
  // only `offline` written (setOffline); `onRetry(item)`: sends a failed message again (Retry).
  chat.createView = (state, onRetry) => {
    const $ = (selector) => document.querySelector(selector);

    // --- Texts from the template -------------------------------------------------------------
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

    // --- Elements ----------------------------------------------------------------------------
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
    let typingTimer = null;

    function showAlert(message) {
      alertLine.textContent = message || text("error");
    }
    function clearAlert() {
      alertLine.textContent = "";
    }

    // --- Screens -----------------------------------------------------------------------------
    function showScreen(name) {
      Object.entries(screens).forEach(([key, screen]) => {
        screen.hidden = key !== name;
      });
    }

    function setOffline(isOffline) {
      state.offline = isOffline;
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

    function showEnd() {
      showScreen("end");
      $("[data-transcript-note]").hidden = !state.conversation.transcript_sent;
      ratingForm.hidden = Boolean(state.conversation.rated);
      $("[data-rated]").hidden = !state.conversation.rated;
    }

    // The talk screen for a conversation in `conversationState`: the composer while it is open, the
    // note when it continues by email, "Start a new chat" once it is over; the end screen once ended.
    function showState(conversationState, open) {
      messageForm.hidden = !open;
      endForm.hidden = !open;
      closedNote.hidden = conversationState !== "email";
      $('[data-screen="talk"] [data-action="new"]').hidden = open;
      if (conversationState !== "queued") {
        emailMeButton.hidden = true;
        if (conversationState !== "active") queueLine.textContent = "";
      }
      if (!open) typingLine.textContent = "";
      if (conversationState === "ended") showEnd();
    }

    // --- Messages ----------------------------------------------------------------------------
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
        if (parsed.origin === location.origin && state.token && !parsed.searchParams.has("token")) {
          parsed.searchParams.set("token", state.token);
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
      const stateLine = document.createElement("p");
      stateLine.className = "msg-state";
      element.append(stateLine);
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
      if (!message || message.id === undefined || state.shown.has(message.id)) return false;
      const stick = nearBottom();
      const mine = message.client_id ? state.pending.get(message.client_id) : null;
      let element;
      if (mine) {
        mine.done = true;
        state.pending.delete(message.client_id);
        element = mine.element;
        if (!element.isConnected) log.append(element); // the list was drawn again meanwhile
      } else {
        element = document.createElement("li");
        log.append(element);
      }
      fillMessage(element, message);
      state.shown.set(message.id, element);
      scrollDown(stick);
      return !mine;
    }

    // The visitor's own message, shown at once while it is on its way.
    function showPending(item) {
      fillMessage(item.element, {
        author: "visitor",
        body: item.body,
        attachments: item.files.map((file) => ({ name: file.name, size: file.size })),
      });
      log.append(item.element);
      scrollDown(true);
    }

    // Draws the whole list again: the conversation's messages, then those still on their way.
    function showMessages(messages) {
      state.shown.clear();
      log.replaceChildren();
      (messages || []).forEach(showMessage);
      state.pending.forEach((item) => log.append(item.element)); // still on their way: they stay in view
    }

    function clearMessages() {
      log.replaceChildren();
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

    function setPendingState(item, pendingState) {
      item.failed = pendingState === "failed";
      item.element.classList.toggle("failed", item.failed);
      const line = item.element.querySelector(".msg-state");
      line.replaceChildren(text(pendingState === "failed" ? "failed" : "sending"));
      if (pendingState === "failed") {
        const retry = document.createElement("button");
        retry.type = "button";
        retry.textContent = text("retry");
        retry.addEventListener("click", () => onRetry(item));
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

    // --- Queue and typing --------------------------------------------------------------------
    function setQueueText(queueText) {
      queueLine.textContent = queueText;
    }

    // "Continue by email" when the wait is long: no estimate (minutes null), GET status said so, or
    // the server flags it (its queue text then offers the email).
    function showQueue(queueText, minutes, flaggedLong) {
      if (!state.conversation || state.conversation.state !== "queued") return;
      queueLine.textContent = queueText || "";
      emailMeButton.hidden = !(minutes === null || flaggedLong === true || state.longWait);
    }

    function showTyping(name) {
      if (!name) return;
      typingLine.textContent = text("typing", { name });
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => {
        typingLine.textContent = "";
      }, 8000);
    }
    function clearTyping() {
      typingLine.textContent = "";
    }

    return {
      text,
      showAlert,
      clearAlert,
      alertIs: (message) => alertLine.textContent === message,
      showScreen,
      setOffline,
      fillCategories,
      showState,
      showMessage,
      showPending,
      showMessages,
      clearMessages,
      scrollDown,
      systemLine,
      setPendingState,
      markSeen,
      setQueueText,
      showQueue,
      showTyping,
      clearTyping,
    };
  };
})();
