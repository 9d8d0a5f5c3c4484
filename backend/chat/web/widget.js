// Parley chat widget: one script tag on any page opens a chat with the contact center.
//
//   <script src="https://parley.example.com/chat/widget.js" data-flow-id="FLOW_ID" async></script>
//
// Options (data- attributes on the script tag, or window.ParleyChatConfig before it loads):
//   flowId       the chat flow to run (default: the instance's default chat flow)
//   title        the panel's title (default "Chat with us")
//   server       the Parley server's origin (default: where this script came from)
//   attributes   contact attributes for the flow (ParleyChatConfig only, an object of strings)
//
// The chat survives page reloads: the contact ID, participant token, the last item ID and the
// items shown are kept in localStorage, and the widget reconnects after the last ID it saw.
// Plain JavaScript, no build step; docs/chat.md describes the protocol.
(function () {
  "use strict";
  if (window.__parleyChat) return;
  window.__parleyChat = true;

  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var cfg = window.ParleyChatConfig || {};
  var server = cfg.server || data.server || (script && script.src ? new URL(script.src, location.href).origin : location.origin);
  var flowId = cfg.flowId || data.flowId || "";
  var title = cfg.title || data.title || "Chat with us";
  var storeKey = "parley-chat:" + server;
  var maxKept = 300;

  var state = load() || null; // {contactId, participantId, token, lastId, items: [], ended}
  var ws = null, retry = 0, retryTimer = null, typingSent = 0, typingTimer = null, readSent = 0;
  var pending = {}; // clientId -> text, until the server echoes it

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)); } catch (e) { return null; }
  }
  function save() {
    if (!state) { localStorage.removeItem(storeKey); return; }
    if (state.items.length > maxKept) state.items = state.items.slice(-maxKept);
    localStorage.setItem(storeKey, JSON.stringify(state));
  }
  function apiURL(path, params) {
    var u = new URL(path, server);
    for (var k in params || {}) u.searchParams.set(k, params[k]);
    return u.toString();
  }
  function clientId() {
    return "w-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }

  // --- the DOM --------------------------------------------------------------------------
  var css = "" +
    ".parley-root{position:fixed;right:20px;bottom:20px;z-index:2147483000;font:14px/1.4 system-ui,sans-serif;color:#1f2328}" +
    ".parley-button{background:#0b5cad;color:#fff;border:0;border-radius:24px;padding:12px 18px;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.25)}" +
    ".parley-panel{display:none;flex-direction:column;width:340px;height:460px;background:#fff;border:1px solid #d0d7de;border-radius:10px;box-shadow:0 4px 16px rgba(0,0,0,.2);overflow:hidden}" +
    ".parley-open .parley-panel{display:flex}.parley-open .parley-button{display:none}" +
    ".parley-head{background:#0b5cad;color:#fff;padding:10px 12px;display:flex;justify-content:space-between;align-items:center}" +
    ".parley-head button{background:none;border:0;color:#fff;cursor:pointer;font-size:13px}" +
    ".parley-messages{flex:1;overflow-y:auto;padding:10px;display:flex;flex-direction:column;gap:6px}" +
    ".parley-msg{max-width:80%;padding:6px 10px;border-radius:10px;background:#f1f3f5;align-self:flex-start;white-space:pre-wrap;word-wrap:break-word}" +
    ".parley-msg.parley-me{align-self:flex-end;background:#dbeafe}.parley-msg.parley-pending{opacity:.55}" +
    ".parley-msg .parley-who{display:block;font-size:11px;color:#57606a}" +
    ".parley-msg img{max-width:100%;display:block;margin-top:4px}" +
    ".parley-note{align-self:center;font-size:12px;color:#57606a}" +
    ".parley-typing{min-height:18px;padding:0 12px;font-size:12px;color:#57606a}" +
    ".parley-error{padding:4px 12px;font-size:12px;color:#b42318}" +
    ".parley-form{display:flex;gap:6px;padding:8px;border-top:1px solid #d0d7de}" +
    ".parley-form input[type=text]{flex:1;padding:6px;border:1px solid #d0d7de;border-radius:6px}" +
    ".parley-form button{padding:6px 10px;border:0;border-radius:6px;background:#0b5cad;color:#fff;cursor:pointer}" +
    ".parley-start{padding:16px;display:flex;flex-direction:column;gap:8px}";
  var style = document.createElement("style");
  style.textContent = css;
  document.head.appendChild(style);

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  var root = el("div", { "class": "parley-root", "data-testid": "parley-chat" });
  var button = el("button", { "class": "parley-button", "data-testid": "parley-chat-button", type: "button" }, title);
  var panel = el("div", { "class": "parley-panel", role: "dialog", "aria-label": title });
  var head = el("div", { "class": "parley-head" });
  head.appendChild(el("strong", null, title));
  var headButtons = el("span");
  var endButton = el("button", { type: "button", "data-testid": "parley-end" }, "End chat");
  var closeButton = el("button", { type: "button", "aria-label": "Minimise" }, "\u2013");
  headButtons.appendChild(endButton);
  headButtons.appendChild(closeButton);
  head.appendChild(headButtons);
  var startForm = el("form", { "class": "parley-start" });
  var nameInput = el("input", { type: "text", placeholder: "Your name", "data-testid": "parley-name", maxlength: "256", required: "" });
  startForm.appendChild(el("label", null, "Your name"));
  startForm.appendChild(nameInput);
  startForm.appendChild(el("button", { type: "submit", "data-testid": "parley-start" }, "Start chat"));
  var messages = el("div", { "class": "parley-messages", "data-testid": "parley-messages", "aria-live": "polite" });
  var typing = el("div", { "class": "parley-typing", "data-testid": "parley-typing" });
  var errorBox = el("div", { "class": "parley-error", role: "alert", "data-testid": "parley-error" });
  var form = el("form", { "class": "parley-form" });
  var input = el("input", { type: "text", placeholder: "Type a message", "data-testid": "parley-input", maxlength: "1024", "aria-label": "Message" });
  var file = el("input", { type: "file", accept: "image/png,image/jpeg,image/gif,application/pdf", "data-testid": "parley-file", style: "display:none" });
  var attachButton = el("button", { type: "button", "aria-label": "Attach a file" }, "\u{1F4CE}");
  var sendButton = el("button", { type: "submit", "data-testid": "parley-send" }, "Send");
  form.appendChild(attachButton);
  form.appendChild(file);
  form.appendChild(input);
  form.appendChild(sendButton);
  panel.appendChild(head);
  panel.appendChild(startForm);
  panel.appendChild(messages);
  panel.appendChild(typing);
  panel.appendChild(errorBox);
  panel.appendChild(form);
  root.appendChild(button);
  root.appendChild(panel);

  function mount() {
    document.body.appendChild(root);
    render();
    if (state && state.token) {
      root.classList.add("parley-open");
      if (!state.ended) connect();
    }
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);

  // --- rendering --------------------------------------------------------------------------
  function render() {
    var chatting = !!(state && state.token);
    startForm.style.display = chatting ? "none" : "flex";
    messages.style.display = form.style.display = chatting ? "" : "none";
    if (chatting) form.style.display = state.ended ? "none" : "flex";
    endButton.textContent = state && state.ended ? "New chat" : "End chat";
    endButton.style.display = chatting ? "" : "none";
    messages.textContent = "";
    if (chatting) {
      state.items.forEach(show);
      for (var id in pending) showPending(id, pending[id]);
    }
  }
  function showPending(id, text) {
    var m = el("div", { "class": "parley-msg parley-me parley-pending", "data-client-id": id });
    m.appendChild(document.createTextNode(text));
    messages.appendChild(m);
  }
  function show(f) {
    var mine = state && f.participantId === state.participantId;
    if (f.type === "EVENT") {
      var text = null;
      if (f.event === "PARTICIPANT_JOINED" && !mine) text = f.displayName + " joined the chat";
      if (f.event === "PARTICIPANT_LEFT" && !mine) text = f.displayName + " left the chat";
      if (f.event === "TRANSFER_SUCCEEDED") text = "You are being transferred";
      if (f.event === "CHAT_ENDED") text = "The chat has ended";
      if (text) messages.appendChild(el("div", { "class": "parley-note", "data-id": f.id, "data-event": f.event }, text));
      return;
    }
    if (f.clientId) {
      var p = messages.querySelector('[data-client-id="' + CSS.escape(f.clientId) + '"]');
      if (p) p.remove();
    }
    var m = el("div", { "class": "parley-msg" + (mine ? " parley-me" : ""), "data-id": f.id, "data-role": f.participantRole });
    if (!mine) m.appendChild(el("span", { "class": "parley-who" }, f.displayName || f.participantRole));
    if (f.type === "ATTACHMENT" && f.attachment) {
      var url = apiURL("/v1/chat/attachments/" + encodeURIComponent(f.attachment.id), { token: state.token });
      var a = el("a", { href: url, target: "_blank", rel: "noopener", "data-testid": "parley-attachment" }, f.attachment.name);
      m.appendChild(a);
      if (/^image\//.test(f.attachment.contentType)) m.appendChild(el("img", { src: url, alt: f.attachment.name }));
    } else {
      m.appendChild(document.createTextNode(f.content || ""));
    }
    messages.appendChild(m);
    messages.scrollTop = messages.scrollHeight;
  }
  function showError(msg) {
    errorBox.textContent = msg || "";
  }

  // --- the connection ---------------------------------------------------------------------
  function connect() {
    if (!state || !state.token || state.ended) return;
    clearTimeout(retryTimer);
    var u = new URL(apiURL("/v1/chat/connect", { token: state.token, after: String(state.lastId || 0) }));
    u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    var sock = new WebSocket(u.toString());
    ws = sock;
    sock.onopen = function () {
      retry = 0;
      showError("");
      for (var id in pending) sock.send(JSON.stringify({ type: "MESSAGE", content: pending[id], clientId: id }));
    };
    sock.onmessage = function (e) {
      var f;
      try { f = JSON.parse(e.data); } catch (err) { return; }
      receive(f);
    };
    sock.onclose = function (e) {
      if (ws !== sock) return;
      ws = null;
      if (e.code === 4401 || (state && state.ended)) return;
      retry = Math.min(retry + 1, 6);
      retryTimer = setTimeout(function () { recheck(); }, 500 * Math.pow(2, retry - 1));
    };
  }
  // recheck reconnects, or forgets the chat when the server no longer knows the token.
  function recheck() {
    if (!state || !state.token) return;
    fetch(apiURL("/v1/chat/transcript", { token: state.token, after: String(state.lastId || 0) })).then(function (r) {
      if (r.status === 401) { state = null; pending = {}; save(); render(); return; }
      connect();
    }, function () { connect(); });
  }
  function receive(f) {
    if (f.type === "CONNECTION_ACK") return;
    if (f.type === "ERROR") {
      if (f.clientId && pending[f.clientId] != null) {
        delete pending[f.clientId];
        var p = messages.querySelector('[data-client-id="' + CSS.escape(f.clientId) + '"]');
        if (p) p.remove();
      }
      showError(f.error ? f.error.message : "Something went wrong.");
      return;
    }
    if (f.type === "EVENT" && f.event === "TYPING") {
      if (f.participantId !== state.participantId) {
        typing.textContent = (f.displayName || "Someone") + " is typing\u2026";
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { typing.textContent = ""; }, 3000);
      }
      return;
    }
    if (!f.id || f.id <= (state.lastId || 0)) return; // already shown
    state.lastId = f.id;
    if (f.clientId) delete pending[f.clientId];
    state.items.push(f);
    if (f.participantId !== state.participantId && (f.type === "MESSAGE" || f.type === "ATTACHMENT")) typing.textContent = "";
    if (f.type === "EVENT" && f.event === "CHAT_ENDED") state.ended = true;
    save();
    show(f);
    if (state.ended) { render(); if (ws) ws.close(); return; }
    if ((f.type === "MESSAGE" || f.type === "ATTACHMENT") && f.participantId !== state.participantId) markRead(f.id);
  }
  function markRead(id) {
    if (document.visibilityState !== "visible" || id <= readSent || !ws || ws.readyState !== 1) return;
    readSent = id;
    ws.send(JSON.stringify({ type: "EVENT", event: "MESSAGE_READ", messageId: id }));
  }

  // --- actions ----------------------------------------------------------------------------
  button.addEventListener("click", function () {
    root.classList.add("parley-open");
    if (!state) nameInput.focus(); else input.focus();
  });
  closeButton.addEventListener("click", function () { root.classList.remove("parley-open"); });
  endButton.addEventListener("click", function () {
    if (!state) return;
    if (state.ended) { state = null; pending = {}; save(); render(); return; }
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "DISCONNECT" }));
    else fetch(apiURL("/v1/chat/disconnect", { token: state.token }), { method: "POST" });
  });
  startForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var name = nameInput.value.trim();
    if (!name) return;
    var body = { displayName: name };
    if (flowId) body.flowId = flowId;
    if (cfg.attributes) body.attributes = cfg.attributes;
    fetch(apiURL("/v1/chat/start"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        if (!res.ok) { showError(res.body.error ? res.body.error.message : "The chat could not start."); return; }
        state = { contactId: res.body.contactId, participantId: res.body.participantId, token: res.body.participantToken, lastId: 0, items: [], ended: false };
        save();
        render();
        connect();
        input.focus();
      }, function () { showError("The chat service cannot be reached."); });
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    if (!text.trim() || !state || state.ended) return;
    input.value = "";
    var id = clientId();
    pending[id] = text;
    showPending(id, text);
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "MESSAGE", content: text, clientId: id }));
  });
  input.addEventListener("input", function () {
    var now = Date.now();
    if (ws && ws.readyState === 1 && now - typingSent > 2000) {
      typingSent = now;
      ws.send(JSON.stringify({ type: "EVENT", event: "TYPING" }));
    }
  });
  attachButton.addEventListener("click", function () { file.click(); });
  file.addEventListener("change", function () {
    var f = file.files && file.files[0];
    file.value = "";
    if (!f || !state) return;
    fetch(apiURL("/v1/chat/attachments", { token: state.token, name: f.name }), { method: "POST", body: f })
      .then(function (r) {
        if (r.ok) { showError(""); return; }
        return r.json().then(function (j) { showError(j.error ? j.error.message : "The file could not be sent."); });
      }, function () { showError("The file could not be sent."); });
  });
  document.addEventListener("visibilitychange", function () {
    if (state && state.items.length) markRead(state.lastId);
  });
})();
