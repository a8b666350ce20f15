/* Oudersteunpunt staff inbox. Talks to the gateway's /inbox/api routes (JSON, with the
 * session's CSRF token on every change) and its /inbox/ws socket (live updates).
 * Parent text is always inserted as text (textContent), never as HTML. */
(function () {
  "use strict";

  var BASE_TITLE = "Inbox – Oudersteunpunt";
  var CHANNELS = { web: "Website", whatsapp: "WhatsApp", telegram: "Telegram" };
  var STATUS_LABELS = { nieuw: "Nieuw", gebeld: "Gebeld", afgerond: "Afgerond" };
  var AUDIT_LABELS = {
    login: "ingelogd", logout: "uitgelogd", presence: "beschikbaarheid", claim: "gesprek opgepakt",
    reply: "antwoord gestuurd", template: "WhatsApp-sjabloon gestuurd", note: "notitie", hand_back: "teruggegeven aan assistent", close: "gesprek afgesloten",
    delete_conversation: "gesprek verwijderd", callback_claim: "terugbelverzoek opgepakt",
    callback_status: "status terugbelverzoek", callback_note: "notitie terugbelverzoek",
    canned_create: "standaardantwoord gemaakt", canned_delete: "standaardantwoord verwijderd",
    closing_day_set: "sluitingsdag gezet", closing_day_delete: "sluitingsdag verwijderd",
    account_create: "account gemaakt", account_enable: "account aangezet", account_disable: "account uitgezet",
    password_set: "wachtwoord gewijzigd"
  };

  var me = null;            // {username, first_name, role, online, csrf}
  var queue = [];           // the last queue from the server
  var current = null;       // the open conversation: {conversation, timeline}
  var currentId = null;
  var canned = [];
  var ws = null, pingTimer = null, retry = 0, lastTyping = 0;
  var knownWaiting = null;  // ids of waiting conversations seen before (for "new" announcements)

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function announce(text) { $("announce").textContent = ""; setTimeout(function () { $("announce").textContent = text; }, 50); }

  function time(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Amsterdam" });
  }
  function dateTime(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleString("nl-NL", {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Amsterdam"
    });
  }
  function waited(iso) {
    if (!iso) return "";
    var minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
    if (minutes < 1) return "wacht net";
    if (minutes < 60) return "wacht " + minutes + " min";
    return "wacht " + Math.floor(minutes / 60) + " uur " + (minutes % 60) + " min";
  }

  // --- Talking to the gateway ---

  function api(method, path, body) {
    var headers = { "Accept": "application/json" };
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      if (me) headers["X-CSRF-Token"] = me.csrf;
    }
    return fetch(path, {
      method: method, headers: headers, credentials: "same-origin",
      body: method === "GET" ? undefined : JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401 && path !== "/inbox/api/login") { showLogin(); }
        if (!response.ok) {
          var error = new Error(data.error || "Er ging iets mis. Probeer het opnieuw.");
          error.status = response.status;
          error.data = data;
          throw error;
        }
        return data;
      });
    }, function () {
      throw new Error("Geen verbinding met de server. Probeer het zo opnieuw.");
    });
  }

  // --- Login and logout ---

  function showLogin() {
    me = null;
    disconnect();
    $("app-view").hidden = true;
    $("who").hidden = true;
    $("login-view").hidden = false;
    document.title = BASE_TITLE;
    $("username").focus();
  }

  $("login-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("login-error").textContent = "";
    var username = $("username").value.trim(), password = $("password").value;
    if (!username || !password) { $("login-error").textContent = "Vul je gebruikersnaam en wachtwoord in."; return; }
    api("POST", "/inbox/api/login", { username: username, password: password }).then(function (data) {
      $("password").value = "";
      start(data);
    }, function (error) {
      $("login-error").textContent = error.message;
      $("password").focus();
    });
  });

  $("logout").addEventListener("click", function () {
    api("POST", "/inbox/api/logout").then(showLogin, showLogin);
  });

  function start(data) {
    me = data;
    $("login-view").hidden = true;
    $("app-view").hidden = false;
    $("who").hidden = false;
    $("me-name").textContent = me.first_name + (me.role === "admin" ? " (beheerder)" : "");
    document.querySelectorAll("[data-admin]").forEach(function (node) { node.hidden = me.role !== "admin"; });
    setPresence(me.online);
    knownWaiting = null;
    connect();
    loadCanned();
    showTab("queue");
  }

  // --- Presence ---

  function setPresence(online) {
    $("presence").setAttribute("aria-pressed", String(online));
    $("presence").title = online ? "Je bent online: ouders kunnen je spreken" : "Je bent offline";
  }
  $("presence").addEventListener("click", function () {
    var online = $("presence").getAttribute("aria-pressed") !== "true";
    api("POST", "/inbox/api/presence", { online: online }).then(function (data) {
      setPresence(data.online);
      announce(data.online ? "Je bent nu online." : "Je bent nu offline.");
    }, function (error) { announce(error.message); });
  });
  function showOnline(count) {
    $("online-count").textContent = count === 1 ? "1 adviseur online" : count + " adviseurs online";
  }

  // --- Live updates ---

  function connect() {
    disconnect();
    ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/inbox/ws");
    ws.onopen = function () {
      retry = 0;
      pingTimer = setInterval(function () { send({ type: "ping" }); }, 20000);
    };
    ws.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "queue") {
        showOnline(data.online);
        renderQueue(data.queue);
      } else if (data.type === "pong") {
        showOnline(data.online);
      } else if (data.type === "conversation" && data.id === currentId) {
        openConversation(currentId, false);
      } else if (data.type === "callbacks" && !$("tab-callbacks").hidden) {
        loadCallbacks();
      } else if (data.type === "bye") {
        showLogin();
      }
    };
    ws.onclose = function () {
      clearInterval(pingTimer);
      if (!me) return;
      retry = Math.min(retry + 1, 6);
      setTimeout(function () { if (me && (!ws || ws.readyState === WebSocket.CLOSED)) connect(); }, 500 * Math.pow(2, retry - 1));
    };
  }
  function disconnect() {
    clearInterval(pingTimer);
    if (ws) { var old = ws; ws = null; old.onclose = null; old.close(); }
  }
  function send(frame) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame)); }

  // --- The queue ---

  function isMine(item) { return item.claimed_by && me && item.claimed_by.username === me.username; }

  function renderQueue(items) {
    queue = items;
    var list = $("queue-list");
    var focused = list.contains(document.activeElement) ? document.activeElement.dataset.id : null;
    clear(list);
    var waiting = items.filter(function (c) { return c.mode === "waiting"; });
    $("queue-empty").hidden = items.length > 0;
    $("queue-badge").hidden = waiting.length === 0;
    $("queue-badge").textContent = waiting.length;
    $("queue-badge").setAttribute("aria-label", waiting.length + " wachtend");
    document.title = waiting.length ? "(" + waiting.length + ") " + BASE_TITLE : BASE_TITLE;

    var ids = waiting.map(function (c) { return c.id; });
    if (knownWaiting !== null) {
      var fresh = ids.filter(function (id) { return knownWaiting.indexOf(id) < 0; });
      if (fresh.length) announce(fresh.length === 1 ? "Er wacht een nieuwe ouder." : "Er wachten " + fresh.length + " nieuwe ouders.");
    }
    knownWaiting = ids;

    items.forEach(function (item) {
      var li = el("li");
      var button = el("button", item.urgent ? "urgent" : "");
      button.type = "button";
      button.dataset.id = item.id;
      if (item.id === currentId) button.setAttribute("aria-current", "true");
      var line1 = el("span", "line1");
      if (item.urgent) { line1.appendChild(el("span", "tag urgent", "Spoed")); line1.appendChild(document.createTextNode(" ")); }
      line1.appendChild(document.createTextNode((CHANNELS[item.channel] || item.channel) + " · " +
        (item.topic ? item.topic.title : "geen onderwerp")));
      button.appendChild(line1);
      var line2 = el("span", "line2");
      if (item.mode === "waiting") {
        line2.textContent = waited(item.waiting_since);
      } else if (isMine(item)) {
        line2.appendChild(el("span", "tag mine", "Bij jou"));
      } else {
        line2.appendChild(el("span", "tag other", "Bij " + (item.claimed_by ? item.claimed_by.first_name : "collega")));
      }
      button.appendChild(line2);
      if (item.preview) button.appendChild(el("span", "preview", "“" + item.preview + "”"));
      button.addEventListener("click", function () { openConversation(item.id, true); });
      li.appendChild(button);
      list.appendChild(li);
      if (item.id === focused) button.focus(); // a live update never takes the keyboard focus away
    });
  }
  setInterval(function () { if (me) renderQueue(queue); }, 30000); // waiting times

  // --- One conversation ---

  function openConversation(id, focus) {
    if (id !== currentId) { $("conv-status").textContent = ""; $("reply-text").value = ""; }
    currentId = id;
    $("conv-error").textContent = "";
    return api("GET", "/inbox/api/conversations/" + encodeURIComponent(id)).then(function (data) {
      current = data;
      renderConversation();
      document.querySelectorAll("#queue-list button").forEach(function (b) {
        if (b.dataset.id === id) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
      });
      if (focus) $("conv-title").focus();
    }, function (error) { $("conv-error").textContent = error.message; });
  }

  function authorLabel(item) {
    if (item.kind === "note") return "Interne notitie van " + item.author + " (niet verstuurd)";
    if (item.author === "parent") return "Ouder";
    if (item.author === "staff") return "Adviseur " + (item.name || "");
    if (item.author === "system") return "Digitale assistent (melding)";
    return "Digitale assistent";
  }

  function renderConversation() {
    var c = current.conversation;
    $("conversation").hidden = false;
    $("conversation-empty").hidden = true;
    $("conv-title").textContent = "Gesprek via " + (CHANNELS[c.channel] || c.channel) + (c.urgent ? " – spoed" : "");
    var meta = [];
    meta.push("Onderwerp: " + (c.topic ? c.topic.title : "onbekend"));
    if (c.mode === "waiting") meta.push("wacht sinds " + time(c.waiting_since));
    if (c.mode === "human") meta.push("bij " + (c.claimed_by ? (isMine(c) ? "jou" : c.claimed_by.first_name) : "een adviseur"));
    if (c.mode === "bot") meta.push("de digitale assistent antwoordt");
    $("conv-meta").textContent = meta.join(" · ");

    var mine = isMine(c), free = !c.claimed_by;
    $("claim").hidden = !(c.mode === "waiting" && free);
    $("handback").hidden = c.mode === "bot" || !(mine || free);
    $("close").hidden = c.mode === "bot" || !(mine || free);
    $("reply-form").hidden = !(mine && c.mode === "human");
    if (c.mode === "human" && !mine) $("conv-status").textContent = "Dit gesprek is bij " + c.claimed_by.first_name + ".";

    // Only new items are added, so a screen reader announces only what is new.
    var list = $("timeline");
    var sameConversation = list.dataset.id === c.id;
    var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    if (!sameConversation) clear(list);
    var shown = {};
    Array.prototype.forEach.call(list.children, function (li) { shown[li.dataset.key] = li; });
    current.timeline.forEach(function (item) {
      var key = item.kind + "-" + item.id;
      if (shown[key]) { showDelivery(shown[key], item); return; }
      var li = el("li", item.kind === "note" ? "note" : item.author);
      li.dataset.key = key;
      li.appendChild(el("div", "who-line", authorLabel(item) + " · " + dateTime(item.time)));
      li.appendChild(el("p", "text", item.text));
      if (item.buttons && item.buttons.length) li.appendChild(el("p", "buttons", "Knoppen: " + item.buttons.join(" · ")));
      showDelivery(li, item);
      list.appendChild(li);
    });
    if (atBottom || !sameConversation) list.scrollTop = list.scrollHeight;
    list.dataset.id = c.id;
  }

  // WhatsApp/Telegram: a message the parent did not get (after retries) says so.
  function showDelivery(li, item) {
    var failed = item.delivery === "failed";
    var line = li.querySelector(".delivery");
    if (failed && !line) {
      li.appendChild(el("p", "delivery", "Niet afgeleverd bij de ouder" + (item.delivery_error ? " (" + item.delivery_error + ")" : "") +
        ". Probeer het later opnieuw of neem contact op via telefoon of e-mail."));
    } else if (!failed && line) {
      line.remove();
    }
  }

  function conversationAction(path, done) {
    $("conv-error").textContent = "";
    return api("POST", "/inbox/api/conversations/" + encodeURIComponent(currentId) + path).then(function (data) {
      if (done) $("conv-status").textContent = done;
      return openConversation(currentId, false).then(function () { return data; });
    }, function (error) {
      $("conv-error").textContent = error.message;
      openConversation(currentId, false);
    });
  }
  $("claim").addEventListener("click", function () {
    conversationAction("/claim", "Je hebt het gesprek opgepakt. De ouder weet dat je er bent.").then(function () {
      $("reply-text").focus();
    });
  });
  $("handback").addEventListener("click", function () {
    conversationAction("/hand-back", "Teruggegeven aan de digitale assistent. De ouder heeft een bericht gekregen.");
  });
  $("close").addEventListener("click", function () {
    conversationAction("/close", "Gesprek afgesloten. De ouder heeft een bericht gekregen.");
  });

  $("reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("reply-text").value.trim();
    if (!text) { $("conv-error").textContent = "Typ eerst een antwoord."; return; }
    api("POST", "/inbox/api/conversations/" + encodeURIComponent(currentId) + "/messages", { text: text }).then(function () {
      $("reply-text").value = "";
      $("conv-status").textContent = "";
      $("send-template").hidden = true;
      openConversation(currentId, false);
    }, function (error) {
      $("conv-error").textContent = error.message;
      // Outside WhatsApp's 24-hour window: offer the approved template instead.
      $("send-template").hidden = !(error.data && error.data.template_available);
    });
  });
  $("send-template").addEventListener("click", function () {
    conversationAction("/template", "Sjabloon verstuurd. Als de ouder antwoordt, kun je weer gewoon berichten sturen.").then(function () {
      $("send-template").hidden = true;
    });
  });
  $("reply-text").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); $("reply-form").requestSubmit(); }
  });
  $("reply-text").addEventListener("input", function () {
    var now = Date.now();
    if (now - lastTyping > 2500 && currentId) { lastTyping = now; send({ type: "typing", conversation: currentId }); }
  });

  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("note-text").value.trim();
    if (!text) { $("conv-error").textContent = "Typ eerst een notitie."; return; }
    api("POST", "/inbox/api/conversations/" + encodeURIComponent(currentId) + "/notes", { text: text }).then(function () {
      $("note-text").value = "";
      $("conv-status").textContent = "Notitie opgeslagen. De ouder ziet die niet.";
      openConversation(currentId, false);
    }, function (error) { $("conv-error").textContent = error.message; });
  });

  // --- Canned answers ---

  function loadCanned() {
    return api("GET", "/inbox/api/canned").then(function (data) {
      canned = data.canned;
      var select = $("canned-select");
      while (select.options.length > 1) select.remove(1);
      canned.forEach(function (answer) { select.appendChild(new Option(answer.title, String(answer.id))); });
      renderCannedList();
    }, function () {});
  }
  $("canned-select").addEventListener("change", function () {
    var answer = canned.filter(function (a) { return String(a.id) === $("canned-select").value; })[0];
    if (answer) {
      var box = $("reply-text");
      box.value = box.value ? box.value.replace(/\s*$/, "\n") + answer.text : answer.text;
      $("canned-select").value = "";
      box.focus();
    }
  });
  function renderCannedList() {
    var list = $("canned-list");
    clear(list);
    if (!canned.length) list.appendChild(el("li", "card muted", "Er zijn nog geen standaardantwoorden."));
    canned.forEach(function (answer) {
      var li = el("li", "card");
      li.appendChild(el("h3", null, answer.title));
      li.appendChild(el("p", "text", answer.text));
      if (me && me.role === "admin") {
        var remove = el("button", "secondary", "Verwijderen");
        remove.type = "button";
        remove.setAttribute("aria-label", "Verwijder standaardantwoord " + answer.title);
        remove.addEventListener("click", function () {
          api("DELETE", "/inbox/api/canned/" + answer.id).then(loadCanned, function (error) { announce(error.message); });
        });
        li.appendChild(remove);
      }
      list.appendChild(li);
    });
  }
  $("canned-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("canned-error").textContent = "";
    api("POST", "/inbox/api/canned", { title: $("canned-title-input").value, text: $("canned-text").value }).then(function () {
      $("canned-title-input").value = "";
      $("canned-text").value = "";
      announce("Standaardantwoord opgeslagen.");
      loadCanned();
    }, function (error) { $("canned-error").textContent = error.message; });
  });

  // --- Extra closing days ---

  function loadClosingDays() {
    return api("GET", "/inbox/api/closing-days").then(function (data) {
      var list = $("closing-list");
      clear(list);
      if (!data.days.length) list.appendChild(el("li", "card muted", "Er zijn geen extra sluitingsdagen."));
      data.days.forEach(function (item) {
        var li = el("li", "card");
        li.appendChild(el("h3", null, new Date(item.day + "T12:00:00").toLocaleDateString("nl-NL",
          { weekday: "long", day: "numeric", month: "long", year: "numeric" })));
        li.appendChild(el("p", "text", item.reason));
        if (me && me.role === "admin") {
          var remove = el("button", "secondary", "Verwijderen");
          remove.type = "button";
          remove.setAttribute("aria-label", "Verwijder sluitingsdag " + item.day);
          remove.addEventListener("click", function () {
            api("DELETE", "/inbox/api/closing-days/" + item.day).then(loadClosingDays, function (error) { announce(error.message); });
          });
          li.appendChild(remove);
        }
        list.appendChild(li);
      });
    });
  }
  $("closing-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("closing-error").textContent = "";
    api("POST", "/inbox/api/closing-days", { day: $("closing-day").value, reason: $("closing-reason").value }).then(function () {
      $("closing-day").value = "";
      $("closing-reason").value = "";
      announce("Sluitingsdag opgeslagen.");
      loadClosingDays();
    }, function (error) { $("closing-error").textContent = error.message; });
  });

  // --- Callback requests ---

  function loadCallbacks() {
    var status = $("callback-filter").value;
    $("callbacks-error").textContent = "";
    return api("GET", "/inbox/api/callbacks" + (status ? "?status=" + encodeURIComponent(status) : "")).then(function (data) {
      renderCallbacks(data.callbacks);
    }, function (error) { $("callbacks-error").textContent = error.message; });
  }
  $("callback-filter").addEventListener("change", loadCallbacks);

  function callbackAction(path, body) {
    return api("POST", "/inbox/api/callbacks/" + path, body).then(loadCallbacks, function (error) {
      $("callbacks-error").textContent = error.message;
    });
  }

  // A live update re-renders the list; a note being typed must survive that.
  var noteDrafts = {};

  function renderCallbacks(items) {
    var list = $("callback-list");
    var focusedId = document.activeElement && document.activeElement.id;
    clear(list);
    $("callbacks-empty").hidden = items.length > 0;
    items.forEach(function (cb) {
      var li = el("li", "card");
      li.appendChild(el("h3", null, cb.name + " – " + STATUS_LABELS[cb.status]));
      var dl = el("dl");
      [["Contact", cb.contact], ["Wanneer", cb.moment], ["Vraag", cb.question], ["Binnen", dateTime(cb.created_at)],
       ["Opgepakt door", cb.claimed_by ? cb.claimed_by.first_name : "nog niemand"]].forEach(function (pair) {
        dl.appendChild(el("dt", null, pair[0]));
        dl.appendChild(el("dd", null, pair[1]));
      });
      li.appendChild(dl);

      var row = el("div", "row");
      if (!cb.claimed_by) {
        var claim = el("button", null, "Oppakken");
        claim.type = "button";
        claim.setAttribute("aria-label", "Terugbelverzoek van " + cb.name + " oppakken");
        claim.addEventListener("click", function () { callbackAction(cb.id + "/claim"); });
        row.appendChild(claim);
      }
      var statusId = "cb-status-" + cb.id;
      var wrap = el("div");
      var label = el("label", null, "Status");
      label.htmlFor = statusId;
      var select = el("select");
      select.id = statusId;
      Object.keys(STATUS_LABELS).forEach(function (key) {
        var option = new Option(STATUS_LABELS[key], key);
        option.selected = key === cb.status;
        select.appendChild(option);
      });
      select.addEventListener("change", function () { callbackAction(cb.id + "/status", { status: select.value }); });
      wrap.appendChild(label);
      wrap.appendChild(select);
      row.appendChild(wrap);
      li.appendChild(row);

      if (cb.notes.length) {
        var notes = el("ul", "notes");
        cb.notes.forEach(function (n) { notes.appendChild(el("li", null, n.author + " (" + dateTime(n.time) + "): " + n.text)); });
        li.appendChild(notes);
      }
      var form = el("form");
      var noteId = "cb-note-" + cb.id;
      var noteLabel = el("label", null, "Notitie");
      noteLabel.htmlFor = noteId;
      var input = el("input");
      input.id = noteId;
      input.maxLength = 2000;
      input.value = noteDrafts[cb.id] || "";
      input.addEventListener("input", function () { noteDrafts[cb.id] = input.value; });
      var save = el("button", "secondary", "Notitie opslaan");
      save.type = "submit";
      form.appendChild(noteLabel);
      form.appendChild(input);
      form.appendChild(save);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!input.value.trim()) return;
        var text = input.value;
        api("POST", "/inbox/api/callbacks/" + cb.id + "/notes", { text: text }).then(function () {
          if (noteDrafts[cb.id] === text) delete noteDrafts[cb.id];
          return loadCallbacks();
        }, function (error) { $("callbacks-error").textContent = error.message; });
      });
      li.appendChild(form);
      list.appendChild(li);
    });
    if (focusedId && $(focusedId)) $(focusedId).focus();
  }

  // --- Admin: accounts and audit log ---

  function loadAccounts() {
    api("GET", "/inbox/api/accounts").then(function (data) {
      var body = $("account-rows");
      clear(body);
      data.accounts.forEach(function (a) {
        var tr = el("tr");
        [a.username, a.first_name, a.role === "admin" ? "beheerder" : "adviseur", a.active ? "actief" : "uitgezet"]
          .forEach(function (value) { tr.appendChild(el("td", null, value)); });
        var td = el("td");
        if (a.username !== me.username) {
          var toggle = el("button", "secondary", a.active ? "Zet uit" : "Zet aan");
          toggle.type = "button";
          toggle.setAttribute("aria-label", (a.active ? "Zet account uit: " : "Zet account aan: ") + a.username);
          toggle.addEventListener("click", function () {
            api("POST", "/inbox/api/accounts/" + a.id + "/active", { active: !a.active }).then(loadAccounts, function (error) { announce(error.message); });
          });
          td.appendChild(toggle);
        }
        tr.appendChild(td);
        body.appendChild(tr);
      });
    }, function (error) { announce(error.message); });
  }

  function loadAudit() {
    api("GET", "/inbox/api/audit").then(function (data) {
      var body = $("audit-rows");
      clear(body);
      data.entries.forEach(function (e) {
        var tr = el("tr");
        [dateTime(e.time), e.actor, AUDIT_LABELS[e.action] || e.action, e.target, e.detail]
          .forEach(function (value) { tr.appendChild(el("td", null, value)); });
        body.appendChild(tr);
      });
    }, function (error) { announce(error.message); });
  }

  // --- Tabs ---

  function showTab(name) {
    document.querySelectorAll(".tabs button").forEach(function (button) {
      if (button.dataset.tab === name) button.setAttribute("aria-current", "page"); else button.removeAttribute("aria-current");
    });
    document.querySelectorAll(".tab").forEach(function (section) { section.hidden = section.id !== "tab-" + name; });
    if (name === "callbacks") loadCallbacks();
    if (name === "canned") loadCanned();
    if (name === "closing") loadClosingDays();
    if (name === "accounts") loadAccounts();
    if (name === "audit") loadAudit();
  }
  document.querySelectorAll(".tabs button").forEach(function (button) {
    button.addEventListener("click", function () { showTab(button.dataset.tab); });
  });

  // --- Start ---
  api("GET", "/inbox/api/me").then(start, function (error) { if (error.status !== 401) showLogin(); });
})();
