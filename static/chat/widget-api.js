// How the chat widget talks to the helpdesk (docs/chat.md), on the frame's own origin: HTTP for
// everything the visitor does, a websocket for what happens (with polling while it is closed).
// The visitor's token is kept in localStorage, so the conversation survives reloads and tabs.
// Loaded before widget.js, which makes one with HelpdeskChat.createApi(config, state, hooks).
(() => {
  "use strict";
  const chat = (window.HelpdeskChat = window.HelpdeskChat || {});

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

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
    else bytes.forEach((_b, i) => (bytes[i] = Math.floor(Math.random() * 256)));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // `config`: the page's chat-config (api, key, ws); `state`: what widget.js knows (token, seq,
  // conversation, refetching), only read here; `hooks`: text, showAlert, clearAlert and showTyping
  // (from the view), and isOpen, applyEvent, refetch, failed and connected (from widget.js).
  chat.createApi = (config, state, hooks) => {
    const { text, showAlert, clearAlert } = hooks;
    const api = config.api.endsWith("/") ? config.api : `${config.api}/`;
    const storeKey = `hd-chat:${config.key}`;
    let socket = null;
    let attempt = 0;
    let reconnectTimer = null;
    let pollTimer = null;
    let pingTimer = null;
    let lastTypingSent = 0;
    let readSent = 0;
    let unread = 0;
    let parentSaysHidden = false; // the loader tells us when the frame is closed

    // --- Storage (may be refused in a third-party frame: memory still serves this page) -------
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
        if (state.token) localStorage.setItem(storeKey, JSON.stringify({ token: state.token, seq: state.seq }));
        else localStorage.removeItem(storeKey);
      } catch (_error) {
        // storage full or refused
      }
    }

    // --- The HTTP API ------------------------------------------------------------------------
    // A 429 shows its detail and is tried again after Retry-After (a few times) with the same body,
    // so a message retried this way keeps its client id.
    async function call(method, path, body, { retries = 3 } = {}) {
      const headers = { Accept: "application/json" };
      if (state.token) headers.Authorization = `Bearer ${state.token}`;
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

    // --- The websocket, and polling while it is closed ---------------------------------------
    function connect() {
      if (!state.token || !hooks.isOpen()) return undefined;
      if (!("WebSocket" in window)) return startPolling();
      if (socket && socket.readyState <= WebSocket.OPEN) return undefined;
      clearTimeout(reconnectTimer);
      const scheme = location.protocol === "https:" ? "wss://" : "ws://";
      const ws = new WebSocket(scheme + location.host + (config.ws || "/ws/chat/"));
      socket = ws;
      ws.addEventListener("open", () => {
        ws.send(JSON.stringify({ token: state.token, after: state.seq }));
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
        if (!state.token || !hooks.isOpen()) return;
        showAlert(text("reconnecting"));
        startPolling();
        const delay = Math.min(30, 2 ** attempt) * 1000;
        attempt += 1;
        reconnectTimer = setTimeout(connect, delay);
      });
      return undefined;
    }

    function handle(message) {
      if (!message || typeof message !== "object") return;
      if (message.reload) return void hooks.refetch();
      if (message.subscribed) {
        attempt = 0;
        stopPolling();
        hooks.connected();
        return;
      }
      if (message.pong) return;
      if (message.typing && typeof message.typing === "object") return void hooks.showTyping(message.typing.name);
      if (Array.isArray(message.events)) return void message.events.forEach(hooks.applyEvent);
      hooks.applyEvent(message);
    }

    function socketOpen() {
      return Boolean(socket) && socket.readyState === WebSocket.OPEN;
    }

    function startPolling() {
      if (pollTimer || !state.token) return;
      pollTimer = setInterval(poll, 5000);
    }
    function stopPolling() {
      clearInterval(pollTimer);
      pollTimer = null;
    }
    async function poll() {
      if (!state.token || state.refetching) return;
      try {
        const data = await call("GET", `events?after=${state.seq}`, undefined, { retries: 0 });
        if (data.reload) return void hooks.refetch();
        (data.events || []).forEach(hooks.applyEvent);
        if (!hooks.isOpen()) stopPolling();
      } catch (error) {
        if (error.status === 401) hooks.failed(error);
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

    // --- Read and unread --------------------------------------------------------------------
    function isSeen() {
      return document.visibilityState === "visible" && !parentSaysHidden;
    }

    function seenNow() {
      if (!state.token || !isSeen() || state.seq <= readSent || !state.conversation) return;
      readSent = state.seq;
      if (socketOpen()) socket.send(JSON.stringify({ read: state.seq }));
      else call("POST", "read", { seq: state.seq }, { retries: 0 }).catch(() => undefined);
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

    // The loader says when its frame is closed or opened (a closed frame's document still counts as
    // visible).
    function setParentHidden(hidden) {
      parentSaysHidden = hidden;
      seenNow();
    }

    // The visitor is typing: said at most every 3 seconds, and only on an open websocket.
    function sendTyping() {
      const now = Date.now();
      if (now - lastTypingSent < 3000 || !socketOpen()) return;
      lastTypingSent = now;
      socket.send(JSON.stringify({ typing: true }));
    }

    return {
      loadStored,
      store,
      newClientId,
      call,
      connect,
      hasSocket: () => Boolean(socket),
      stopLive,
      sendTyping,
      seenNow,
      countUnread,
      setParentHidden,
      forgetRead: () => {
        readSent = 0;
      },
    };
  };
})();
