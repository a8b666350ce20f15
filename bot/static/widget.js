/* Oudersteunpunt chat widget. Embed with one script tag:
 *   <script src="https://<gateway>/static/widget.js" defer></script>
 * Optional: data-open="true" opens the chat at once.
 * Talks to the gateway over a WebSocket (/ws). Parent and assistant text is
 * always inserted as text, never as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src, location.href);
  var wsUrl = (base.protocol === "https:" ? "wss://" : "ws://") + base.host + "/ws";
  var KEY_STORE = "oudersteunpunt-chat-key";
  var MAX_CHARS = 1000;
  var AUTHORS = { bot: "Digitale assistent", system: "Digitale assistent", staff: "Adviseur", parent: "Jij" };

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = new URL("widget.css", base).href;
  document.head.appendChild(css);

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var launcher = el("button", "osp-launcher", "Chat met ons");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  var panel = el("section", "osp-panel");
  panel.hidden = true;
  panel.setAttribute("aria-label", "Chat met het Oudersteunpunt");
  var header = el("div", "osp-header");
  var title = el("h2", null, "Oudersteunpunt passend onderwijs");
  title.appendChild(el("small", null, "Digitale assistent"));
  var close = el("button", "osp-close", "\u00d7");
  close.type = "button";
  close.setAttribute("aria-label", "Chat sluiten");
  header.appendChild(title);
  header.appendChild(close);
  var log = el("div", "osp-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  var typing = el("div", "osp-typing");
  typing.setAttribute("aria-live", "polite");
  var status = el("div", "osp-status");
  status.setAttribute("role", "status");
  var form = el("form", "osp-form");
  var label = el("label", null, "Je bericht");
  label.htmlFor = "osp-input";
  var input = el("textarea");
  input.id = "osp-input";
  input.rows = 1;
  input.maxLength = MAX_CHARS;
  input.placeholder = "Typ je vraag\u2026";
  var send = el("button", null, "Stuur");
  send.type = "submit";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(status);
  panel.appendChild(form);
  document.body.appendChild(panel);
  document.body.appendChild(launcher);

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.textContent = open ? "Chat sluiten" : "Chat met ons";
    if (open) input.focus();
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); launcher.focus(); });

  // Text with its web addresses as links; everything else stays plain text.
  function appendText(node, text) {
    var parts = text.split(/(https?:\/\/[^\s]+)/g);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var url = part.replace(/[.,)]+$/, "");
        var a = el("a", null, url);
        a.href = url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        node.appendChild(a);
        if (url.length < part.length) node.appendChild(document.createTextNode(part.slice(url.length)));
      } else if (part) {
        node.appendChild(document.createTextNode(part));
      }
    });
  }

  var pending = {}; // client id -> {frame, node}: sent but not yet acknowledged

  function render(msg) {
    var node = el("div", "osp-msg osp-" + msg.author);
    if (msg.author !== "parent") {
      var who = msg.author === "staff" && msg.name ? "Adviseur " + msg.name : AUTHORS[msg.author] || "";
      node.appendChild(el("span", "osp-author", who));
    }
    appendText(node, msg.text || "");
    log.appendChild(node);
    if (msg.buttons && msg.buttons.length) {
      var row = el("div", "osp-buttons");
      msg.buttons.forEach(function (b) {
        var button = el("button", null, b.title);
        button.type = "button";
        button.addEventListener("click", function () { submit({ type: "button", button: b.id }, b.title); });
        row.appendChild(button);
      });
      log.appendChild(row);
    }
    log.scrollTop = log.scrollHeight;
    return node;
  }

  var ws = null;
  var typingTimer = null;
  var ready = false;
  var retry = 0;

  function submit(frame, shownText) {
    frame.id = newId();
    var node = render({ author: "parent", text: shownText });
    node.classList.add("osp-pending");
    pending[frame.id] = { frame: frame, node: node };
    if (ready) ws.send(JSON.stringify(frame));
  }

  function connect() {
    ws = new WebSocket(wsUrl);
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: "hello", key: localStorage.getItem(KEY_STORE) }));
    };
    ws.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "welcome") {
        ready = true;
        retry = 0;
        status.textContent = "";
        var known = localStorage.getItem(KEY_STORE) === data.key;
        localStorage.setItem(KEY_STORE, data.key);
        if (!known || !log.childNodes.length) {
          log.textContent = "";
          data.history.forEach(render);
          if (!data.history.length) {
            render({ author: "system", text: "Hoi! Stel hier je vraag over extra hulp op school. Ik ben een digitale assistent." });
          }
        }
        Object.keys(pending).forEach(function (id) { ws.send(JSON.stringify(pending[id].frame)); });
      } else if (data.type === "ack") {
        if (pending[data.id]) { pending[data.id].node.classList.remove("osp-pending"); delete pending[data.id]; }
      } else if (data.type === "typing") {
        clearTimeout(typingTimer);
        if (data.stop) {
          typing.textContent = "";
        } else if (data.who === "staff") {
          typing.textContent = "De adviseur typt\u2026";
          // An advisor may stop typing without sending: the indicator fades by itself.
          typingTimer = setTimeout(function () { typing.textContent = ""; }, 6000);
        } else {
          typing.textContent = "De assistent typt\u2026";
        }
      } else if (data.type === "message") {
        clearTimeout(typingTimer);
        typing.textContent = "";
        if (data.author !== "parent") render(data);
      } else if (data.type === "error") {
        typing.textContent = "";
        render({ author: "system", text: data.text });
      }
    };
    ws.onclose = function () {
      ready = false;
      typing.textContent = "";
      status.textContent = "De verbinding is weg. Ik probeer opnieuw te verbinden\u2026";
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * Math.pow(2, retry - 1));
    };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    submit({ type: "message", text: text }, text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  connect();
  if (script.dataset.open === "true") setOpen(true);
})();
