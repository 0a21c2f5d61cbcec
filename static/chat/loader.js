// The one script a shop adds to its pages (docs/chat.md):
//   <script src="https://help.example.com/static/chat/loader.js" data-key="PUBLIC_KEY" data-lang="ja" async></script>
// It adds a launcher button and, when first opened, the chat's iframe from the helpdesk. It needs no
// inline script or style on the shop's page: every style is set through element.style (CSSOM), which a
// strict Content-Security-Policy allows.
(() => {
  "use strict";
  const script = document.currentScript; // only known while this script runs: kept now
  if (!script || !script.src) return;
  const key = script.getAttribute("data-key");
  if (!key) return;
  const source = new URL(script.src, location.href);
  const base = source.origin + source.pathname.split("/static/")[0].replace(/\/$/, "");
  const baseOrigin = source.origin;

  const LANGUAGES = ["en", "zh-hans", "de", "fr", "es", "ja"];
  // The launcher's name before the chat (and its translations) is loaded.
  const NAMES = { en: "Chat", "zh-hans": "在线聊天", de: "Chat", fr: "Chat", es: "Chat", ja: "チャット" };

  function pickLanguage() {
    const asked = (script.getAttribute("data-lang") || "").toLowerCase().replace("_", "-");
    if (LANGUAGES.includes(asked)) return asked;
    const browser = (navigator.languages && navigator.languages[0]) || navigator.language || "";
    const tag = browser.toLowerCase();
    if (tag.startsWith("zh")) return "zh-hans";
    const primary = tag.split("-")[0];
    return LANGUAGES.includes(primary) ? primary : "en";
  }
  const language = pickLanguage();
  const openKey = `hd-chat-open:${key}`;
  const phone = window.matchMedia ? window.matchMedia("(max-width: 480px)") : null;
  const ACCENT = "#1f5fbf";
  const Z = "2147483000";

  let frame = null;
  let frameLoaded = false; // before its load, the frame's window is still an empty page of the shop
  let open = false;

  // --- The launcher -------------------------------------------------------------------------
  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.setAttribute("aria-label", NAMES[language] || NAMES.en);
  launcher.setAttribute("aria-expanded", "false");
  Object.assign(launcher.style, {
    position: "fixed",
    right: "20px",
    bottom: "20px",
    width: "56px",
    height: "56px",
    margin: "0",
    padding: "0",
    border: "0",
    borderRadius: "50%",
    background: ACCENT,
    color: "#fff",
    cursor: "pointer",
    boxShadow: "0 4px 14px rgba(0, 0, 0, .25)",
    zIndex: Z,
    display: "flex",
    alignItems: "center",
    justifyContent: "center",
  });
  // A visible ring on keyboard focus (no stylesheet can be added, so no :focus-visible).
  launcher.addEventListener("focus", () => {
    launcher.style.outline = "3px solid #f0a202";
    launcher.style.outlineOffset = "3px";
  });
  launcher.addEventListener("blur", () => {
    launcher.style.outline = "";
  });

  const SVG = "http://www.w3.org/2000/svg";
  const icon = document.createElementNS(SVG, "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("width", "28");
  icon.setAttribute("height", "28");
  icon.setAttribute("aria-hidden", "true");
  icon.setAttribute("focusable", "false");
  const bubble = document.createElementNS(SVG, "path");
  bubble.setAttribute("fill", "currentColor");
  bubble.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
  icon.append(bubble);
  launcher.append(icon);

  const badge = document.createElement("span");
  badge.id = `hd-chat-badge-${Math.random().toString(36).slice(2)}`;
  Object.assign(badge.style, {
    position: "absolute",
    top: "-4px",
    right: "-4px",
    minWidth: "22px",
    height: "22px",
    padding: "0 6px",
    borderRadius: "11px",
    background: "#b42318",
    color: "#fff",
    font: "700 12px/22px system-ui, sans-serif",
    textAlign: "center",
    boxSizing: "border-box",
    display: "none",
  });
  launcher.append(badge);

  function setBadge(count) {
    const n = Math.max(0, Math.floor(Number(count) || 0));
    badge.textContent = n > 99 ? "99+" : String(n);
    badge.style.display = n > 0 ? "block" : "none";
    if (n > 0) launcher.setAttribute("aria-describedby", badge.id);
    else launcher.removeAttribute("aria-describedby");
  }

  // --- The frame ----------------------------------------------------------------------------
  function layout() {
    if (!frame) return;
    const small = phone && phone.matches;
    Object.assign(frame.style, {
      position: "fixed",
      border: "0",
      margin: "0",
      padding: "0",
      background: "#fff",
      colorScheme: "normal",
      zIndex: Z,
      display: open ? "block" : "none",
      right: small ? "0" : "20px",
      bottom: small ? "0" : "88px",
      top: small ? "0" : "auto",
      left: small ? "0" : "auto",
      width: small ? "100%" : "370px",
      height: small ? "100%" : "560px",
      maxWidth: small ? "none" : "calc(100vw - 40px)",
      maxHeight: small ? "none" : "calc(100vh - 108px)",
      borderRadius: small ? "0" : "12px",
      boxShadow: small ? "none" : "0 8px 32px rgba(0, 0, 0, .25)",
    });
    // On a phone the frame fills the screen: the launcher stays out of its way while it is open.
    launcher.style.display = small && open ? "none" : "flex";
  }

  // Tells the chat whether it can be seen: messages that come while it is closed count as unread.
  function tellFrame() {
    if (frameLoaded && frame.contentWindow) frame.contentWindow.postMessage({ chat: "visible", open }, baseOrigin);
  }

  function createFrame() {
    frame = document.createElement("iframe");
    frame.id = `hd-chat-frame-${Math.random().toString(36).slice(2)}`;
    frame.title = NAMES[language] || NAMES.en;
    frame.src = `${base}/chat/w/${encodeURIComponent(key)}/?lang=${encodeURIComponent(language)}`;
    frame.addEventListener("load", () => {
      frameLoaded = true;
      tellFrame();
    });
    launcher.setAttribute("aria-controls", frame.id);
    document.body.append(frame);
  }

  function remember() {
    try {
      if (open) sessionStorage.setItem(openKey, "1");
      else sessionStorage.removeItem(openKey);
    } catch (_error) {
      // storage refused: the chat simply starts closed on the next page
    }
  }

  function setOpen(wanted, { focus = true } = {}) {
    open = wanted;
    if (open && !frame) createFrame();
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    layout();
    tellFrame();
    remember();
    if (open) {
      setBadge(0);
      if (focus) frame.focus();
    } else if (focus) {
      launcher.focus();
    }
  }

  launcher.addEventListener("click", () => setOpen(!open));

  // Only the helpdesk's frame may close it or set the badge.
  window.addEventListener("message", (event) => {
    if (event.origin !== baseOrigin || !frame || event.source !== frame.contentWindow) return;
    const data = event.data;
    if (!data || typeof data !== "object") return;
    if (data.chat === "close" && open) setOpen(false);
    else if (data.chat === "unread") setBadge(open ? 0 : data.count);
  });

  if (phone) {
    if (phone.addEventListener) phone.addEventListener("change", layout);
    else if (phone.addListener) phone.addListener(layout);
  }

  function mount() {
    document.body.append(launcher);
    let wasOpen = false;
    try {
      wasOpen = sessionStorage.getItem(openKey) === "1";
    } catch (_error) {
      wasOpen = false;
    }
    if (wasOpen) setOpen(true, { focus: false }); // still open from the shop's previous page
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
