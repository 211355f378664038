/* Web chat page: sends messages to /api/chat, shows replies (texts, cards, images, links, quick-reply
   buttons) and polls /api/chat/inbox for messages pushed later. Text is always set with textContent. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("chat-config").textContent);
  var log = document.getElementById("log");
  var quick = document.getElementById("quick");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var sendButton = document.getElementById("send");
  var STORAGE_KEY = "office-chat-user-id";
  var POLL_MS = 8000;
  var busy = false;

  function storedUserId() {
    try { return window.localStorage.getItem(STORAGE_KEY) || ""; } catch (e) { return ""; }
  }
  function rememberUserId(id) {
    try { if (id) window.localStorage.setItem(STORAGE_KEY, id); } catch (e) { /* private mode */ }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function safeUrl(url) {
    return /^(https?:|tel:|mailto:)/i.test(url || "") ? url : "";
  }

  /* Text with web links made clickable, without ever parsing HTML. */
  function appendLinkified(node, text) {
    var pattern = /(https?:\/\/[^\s<>"']+|www\.[^\s<>"']+)/g;
    var last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      node.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = el("a", "", match[0]);
      a.href = match[0].indexOf("www.") === 0 ? "https://" + match[0] : match[0];
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      node.appendChild(a);
      last = match.index + match[0].length;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  /* Show new replies from their start: a long answer is read from the top, not from its last line. */
  function reveal(first) {
    if (!first) return;
    var top = first.offsetTop - 8;
    log.scrollTop = (log.scrollHeight - top > log.clientHeight) ? top : log.scrollHeight;
  }

  function addBubble(who, text) {
    var bubble = el("div", "msg " + who);
    appendLinkified(bubble, text || "");
    log.appendChild(bubble);
    scrollDown();
    return bubble;
  }

  function addCard(reply) {
    var card = el("article", "card");
    var head = el("div", "card-head");
    head.appendChild(el("div", "card-title", reply.title));
    if (reply.subtitle) head.appendChild(el("div", "card-subtitle", reply.subtitle));
    card.appendChild(head);
    if (reply.rows && reply.rows.length) {
      var rows = el("dl", "card-rows");
      reply.rows.forEach(function (row) {
        var line = el("div", "card-row" + (row.emphasis ? " emphasis" : ""));
        if (row.label) line.appendChild(el("dt", "", row.label));
        line.appendChild(el("dd", "", row.value));
        rows.appendChild(line);
      });
      card.appendChild(rows);
    }
    if (reply.footer) card.appendChild(el("div", "card-footer", reply.footer));
    var url = safeUrl(reply.link_url);
    if (url) {
      var a = el("a", "card-link", reply.link_label || url);
      a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
      card.appendChild(a);
    }
    log.appendChild(card);
    return card;
  }

  function addImage(reply) {
    var url = safeUrl(reply.url);
    if (!url) return reply.alt_text ? addBubble("bot", reply.alt_text) : null;
    var img = el("img", "image-reply");
    img.src = url; img.alt = reply.alt_text || "";
    log.appendChild(img);
    return img;
  }

  function addLink(reply) {
    var bubble = addBubble("bot", reply.text);
    var url = safeUrl(reply.url);
    if (url) {
      bubble.appendChild(document.createElement("br"));
      var a = el("a", "", reply.label || url);
      a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
      bubble.appendChild(a);
    }
    return bubble;
  }

  function showQuickReplies(items) {
    quick.textContent = "";
    (items || []).forEach(function (item) {
      var b = el("button", "", item.label);
      b.type = "button";
      b.addEventListener("click", function () { send(item.text); });
      quick.appendChild(b);
    });
  }

  function showReplies(replies) {
    var lastQuick = null, first = null;
    (replies || []).forEach(function (reply) {
      var node;
      if (reply.type === "card") node = addCard(reply);
      else if (reply.type === "image") node = addImage(reply);
      else if (reply.type === "link") node = addLink(reply);
      else node = addBubble("bot", reply.text);
      first = first || node;
      if (reply.quick_replies && reply.quick_replies.length) lastQuick = reply.quick_replies;
    });
    if (lastQuick) showQuickReplies(lastQuick);
    reveal(first);
  }

  function typing(on) {
    var existing = document.getElementById("typing");
    if (!on) { if (existing) existing.remove(); return; }
    if (existing) return;
    var t = el("div", "typing");
    t.id = "typing";
    t.setAttribute("aria-label", "…");
    for (var i = 0; i < 3; i++) t.appendChild(el("span", "", "●"));
    log.appendChild(t);
    scrollDown();
  }

  function setBusy(on) {
    busy = on;
    sendButton.disabled = on;
    typing(on);
  }

  function post(text) {
    var body = { text: text };
    var id = storedUserId();
    if (id) body.user_id = id;
    return fetch(config.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) throw new Error(data.error || config.texts.offline);
        return data;
      });
    });
  }

  function send(text) {
    text = (text || "").trim();
    if (!text || busy) return;
    if (text.length > config.maxText) text = text.slice(0, config.maxText);
    addBubble("user", text);
    showQuickReplies([]);
    input.value = "";
    autosize();
    setBusy(true);
    post(text).then(function (data) {
      rememberUserId(data.user_id);
      setBusy(false);
      showReplies(data.replies);
    }).catch(function (err) {
      setBusy(false);
      addBubble("error", (err && err.message && err.message !== "Failed to fetch") ? err.message : config.texts.offline);
    }).then(function () { input.focus(); });
  }

  function poll() {
    if (document.hidden) return;
    var id = storedUserId();
    if (!id) return;
    fetch(config.inbox + "?user_id=" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (resp) { return resp.ok ? resp.json() : { replies: [] }; })
      .then(function (data) { if (data.replies && data.replies.length) showReplies(data.replies); })
      .catch(function () { /* offline for now; the next poll tries again */ });
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); send(input.value); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(input.value); }
  });
  input.addEventListener("input", autosize);

  showReplies([config.welcome]);
  poll();
  window.setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", poll);
})();
