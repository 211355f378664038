/* Web chat page: sends messages to /api/chat, photos and files to /api/chat/upload and the browser's
   location to /api/chat/location; shows replies (texts, cards, images, links, quick-reply buttons),
   restores the session's history on reload (/api/chat/history) and polls /api/chat/inbox for messages
   pushed later. Text is always set with textContent.

   Nothing the person sends is dropped: whatever is typed, tapped or attached while the page is busy
   (loading its history, waiting for an answer) waits in a queue, shown as "waiting to send", and goes out
   in order once the page is free.

   Who the visitor is comes from the server only: the signed session cookie, and a signed token the server
   issues (kept in localStorage and sent as a header), because a chat embedded in another site's iframe
   may not get its cookie. Embedded, the frame's own storage is partitioned or blocked, so the widget keeps
   the token in the host page and hands it over in the frame's URL fragment (#host=…&token=…; never sent
   to a server); the frame posts each renewed token back to that host origin only. The page never sends
   a user id of its own.

   While a person holds the chat (the answer's `live`), the header says so and shows the end button. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("chat-config").textContent);
  var log = document.getElementById("log");
  var quick = document.getElementById("quick");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var subtitle = document.getElementById("subtitle");
  var endLive = document.getElementById("end-live");
  var attach = document.getElementById("attach");
  var attachMenu = document.getElementById("attach-menu");
  var pickCamera = document.getElementById("pick-camera");
  var pickFile = document.getElementById("pick-file");
  var STORAGE_KEY = "office-chat-token";
  var POLL_MS = 8000;
  var busy = false;
  var ready = false;  /* the history has been shown */
  var queue = [];     /* {kind, text|file|position, bubble}: sent one at a time, in order */
  var live = null;    /* the person-held chat the server reported, or null */
  var handed = fromFragment();
  /* Handed over by a host page, the frame neither reads nor writes its own storage: where a browser does
     not partition it, that holds the person's own visits to the chat, which a host must neither receive
     (posted back to it) nor replace (with a token of its choosing). */
  var token = (handed.host ? handed.token : storedToken()) || config.token || "";
  var postedToken = handed.token || "";

  /* What the widget handed over in the fragment; the fragment is then removed from the address. Only a
     framed chat takes it: a link to the chat page carrying someone else's token would otherwise make the
     person who opens it talk, and report, as that someone (who could then read it all). */
  function fromFragment() {
    var found = { token: "", host: "" };
    if (!location.hash || location.hash.length < 2) return found;
    try {
      var params = new URLSearchParams(location.hash.slice(1));
      var host = params.get("host") || "";
      if (window.parent !== window && /^https?:\/\/[^\/?#]+$/.test(host)) {
        found.host = host;
        found.token = (params.get("token") || "").slice(0, 512);
      }
      history.replaceState(null, "", location.pathname + location.search);
    } catch (e) { /* an odd fragment: ignored */ }
    return found;
  }

  function storedToken() {
    try { return window.localStorage.getItem(STORAGE_KEY) || ""; } catch (e) { return ""; }
  }
  function rememberToken(value) {
    if (!value) return;
    token = value;
    if (!handed.host) {
      try { window.localStorage.setItem(STORAGE_KEY, value); } catch (e) { /* private mode, or blocked in a frame */ }
    } else if (value !== postedToken) {  /* kept by the host page for its next load, and by it alone */
      postedToken = value;
      window.parent.postMessage({ type: "office-chat-token", token: value }, handed.host);
    }
  }
  function headers(extra) {
    var h = { "Accept": "application/json" };
    if (token) h[config.tokenHeader] = token;
    for (var k in (extra || {})) h[k] = extra[k];
    return h;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function safeUrl(url) {
    return /^(https?:|tel:|mailto:|\/(?!\/))/i.test(url || "") ? url : "";
  }

  /* Web links and phone numbers made clickable (phones as tap-to-call, kept on one line), without ever
     parsing HTML. A phone is a Thai number of 9-10 digits starting with 0, with or without dashes. */
  var RICH = /(https?:\/\/[^\s<>"']+|www\.[^\s<>"']+)|((?:\+66|0)\d{1,2}(?:[- ]?\d){6,7}(?![\d-]))/g;
  function appendLinkified(node, text) {
    var last = 0, match;
    RICH.lastIndex = 0;
    while ((match = RICH.exec(text)) !== null) {
      var before = text.charAt(match.index - 1);
      if (match[2] && /[\w-]/.test(before)) continue;  /* inside a code or a longer number */
      node.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a;
      if (match[1]) {
        a = el("a", "", match[0]);
        a.href = match[0].indexOf("www.") === 0 ? "https://" + match[0] : match[0];
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      } else {
        a = el("a", "tel", match[0]);
        a.href = "tel:" + match[0].replace(/[^\d+]/g, "");
      }
      node.appendChild(a);
      last = match.index + match[0].length;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  /* New entries go above the messages still waiting to be sent, which stay at the bottom. */
  function place(node) {
    log.insertBefore(node, log.querySelector(".msg.queued"));
    return node;
  }

  /* Show new replies from their start: a long answer is read from the top, not from its last line. */
  function reveal(first) {
    if (!first) return;
    var top = first.offsetTop - 8;
    log.scrollTop = (log.scrollHeight - top > log.clientHeight) ? top : log.scrollHeight;
  }

  function addBubble(who, text) {
    var bubble = el("div", "msg " + who);
    appendLinkified(bubble, text || "");
    place(bubble);
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
        var line = el("div", "card-row" + (row.emphasis ? " emphasis" : "") + (row.label ? "" : " block"));
        if (row.label) line.appendChild(el("dt", "", row.label));
        var value = el("dd", "");
        appendLinkified(value, row.value || "");
        line.appendChild(value);
        rows.appendChild(line);
      });
      card.appendChild(rows);
    }
    if (reply.footer) {
      var footer = el("div", "card-footer");
      appendLinkified(footer, reply.footer);
      card.appendChild(footer);
    }
    var url = safeUrl(reply.link_url);
    if (url) {
      var a = el("a", "card-link", reply.link_label || url);
      a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
      card.appendChild(a);
    }
    place(card);
    return card;
  }

  function addImage(reply) {
    var url = safeUrl(reply.url);
    if (!url) return reply.alt_text ? addBubble("bot", reply.alt_text) : null;
    var img = el("img", "image-reply");
    img.src = url; img.alt = reply.alt_text || "";
    if (reply.width && reply.height) { img.width = reply.width; img.height = reply.height; }
    place(img);
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

  function addNotice(text) {
    var note = el("div", "notice", text);
    note.setAttribute("role", "status");
    place(note);
    return note;
  }

  /* On a phone the suggestions scroll sideways; a fading edge shows there are more in that direction. */
  function markOverflow() {
    var more = quick.scrollWidth - quick.clientWidth - quick.scrollLeft > 2;
    quick.classList.toggle("more-right", more);
    quick.classList.toggle("more-left", quick.scrollLeft > 2);
  }

  function showQuickReplies(items) {
    quick.textContent = "";
    quick.scrollLeft = 0;
    (items || []).forEach(function (item) {
      if (live && item.text === live.end_text) return;  /* the header's end button says it */
      var b = el("button", "", item.label);
      b.type = "button";
      b.addEventListener("click", function () { send(item.text); });
      quick.appendChild(b);
    });
    markOverflow();
  }
  quick.addEventListener("scroll", markOverflow, { passive: true });
  window.addEventListener("resize", markOverflow);

  function showReplies(replies) {
    var lastQuick = null, first = null;
    (replies || []).forEach(function (reply) {
      var node;
      if (reply.role === "user") { node = addBubble("user", reply.text); lastQuick = []; }
      else if (reply.type === "notice") node = addNotice(reply.text);
      else if (reply.type === "card") node = addCard(reply);
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
    place(t);
    scrollDown();
  }

  function setBusy(on) {
    busy = on;
    typing(on);
  }

  /* The header while a person holds the chat: what the server says, and the end button. */
  function showLive(state) {
    live = state && state.status ? state : null;
    document.body.classList.toggle("live", !!live);
    subtitle.textContent = live ? live.header : config.texts.subtitle;
    endLive.hidden = !live;
    if (live) endLive.textContent = live.end_label;
  }
  endLive.addEventListener("click", function () { if (live) send(live.end_text); });

  function request(url, options) {
    return fetch(url, options).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) throw new Error(data.error || config.texts.offline);
        rememberToken(data.token);
        if ("live" in data) showLive(data.live);
        return data;
      });
    });
  }

  function postJson(url, body) {
    return request(url, {
      method: "POST",
      credentials: "same-origin",
      headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify(body)
    });
  }

  function upload(file) {
    var form = new FormData();
    form.append("file", file, file.name || "file");
    return request(config.upload, { method: "POST", credentials: "same-origin", headers: headers(), body: form });
  }

  /* What one queued item sends, and how its bubble reads. */
  var KINDS = {
    text: {
      label: function (item) { return item.text; },
      go: function (item) { return postJson(config.api, { text: item.text }); }
    },
    file: {
      label: function (item) {
        return /^image\//.test(item.file.type) ? config.texts.sent_photo : config.texts.sent_file;
      },
      go: function (item) { return upload(item.file); }
    },
    location: {
      label: function () { return config.texts.sent_location; },
      go: function (item) { return postJson(config.location, item.position); }
    }
  };

  function enqueue(item) {
    var bubble = el("div", "msg user queued");
    appendLinkified(bubble, KINDS[item.kind].label(item));
    if (item.kind === "file" && /^image\//.test(item.file.type) && window.URL && URL.createObjectURL) {
      var thumb = el("img", "thumb");
      thumb.alt = "";
      thumb.src = URL.createObjectURL(item.file);
      thumb.onload = function () { URL.revokeObjectURL(thumb.src); };
      bubble.appendChild(thumb);
    }
    var note = el("span", "queued-note", config.texts.queued);
    bubble.appendChild(note);
    log.appendChild(bubble);
    scrollDown();
    item.bubble = bubble;
    queue.push(item);
    showQuickReplies([]);
    next();
  }

  /* Send the oldest waiting item when the page is free; the next goes once it is answered. */
  function next() {
    if (busy || !ready || !queue.length) return;
    var item = queue.shift();
    item.bubble.classList.remove("queued");
    var note = item.bubble.querySelector(".queued-note");
    if (note) note.remove();
    setBusy(true);
    KINDS[item.kind].go(item).then(function (data) {
      setBusy(false);
      showReplies(data.replies);
    }).catch(function (err) {
      setBusy(false);
      var known = err && err.message && err.message !== "Failed to fetch";
      addBubble("error", known ? err.message : config.texts.offline);
    }).then(next);
  }

  function send(text) {
    text = (text || "").trim();
    if (!text) return;
    if (text.length > config.maxText) text = text.slice(0, config.maxText);
    input.value = "";
    autosize();
    enqueue({ kind: "text", text: text });
  }

  function sendFile(file) {
    if (!file) return;
    if (config.uploads && file.size > config.uploads.maxBytes) {
      addBubble("error", config.uploads.tooBig);
      return;
    }
    enqueue({ kind: "file", file: file });
  }

  function sendLocation() {
    if (!navigator.geolocation) { addBubble("error", config.texts.location_unavailable); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      enqueue({ kind: "location", position: { latitude: pos.coords.latitude, longitude: pos.coords.longitude } });
    }, function () {
      addBubble("error", config.texts.location_unavailable);
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function toggleMenu(open) {
    attachMenu.hidden = !open;
    attach.setAttribute("aria-expanded", open ? "true" : "false");
  }
  attach.addEventListener("click", function () { toggleMenu(attachMenu.hidden); });
  document.addEventListener("click", function (e) {  /* a tap anywhere else closes the menu */
    if (!attachMenu.hidden && !attachMenu.contains(e.target) && !attach.contains(e.target)) toggleMenu(false);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !attachMenu.hidden) { toggleMenu(false); attach.focus(); }
  });
  attachMenu.addEventListener("click", function (e) {
    var button = e.target.closest("button[data-pick]");
    if (!button) return;
    toggleMenu(false);
    var pick = button.getAttribute("data-pick");
    if (pick === "camera") pickCamera.click();
    else if (pick === "file") pickFile.click();
    else sendLocation();
  });
  [pickCamera, pickFile].forEach(function (picker) {
    picker.addEventListener("change", function () {
      sendFile(picker.files && picker.files[0]);
      picker.value = "";  /* the same file may be chosen again */
    });
  });

  function poll() {
    if (document.hidden || !token || !ready) return;
    request(config.inbox, { credentials: "same-origin", headers: headers() })
      .then(function (data) { if (data.replies && data.replies.length) showReplies(data.replies); })
      .catch(function () { /* offline for now; the next poll tries again */ });
  }

  /* A reload shows what this session already said (kept on the server for the session only) and, when a
     complaint is half-filled, says so; a new visitor gets the welcome. What is typed meanwhile waits in
     the queue: sent before the history arrives, it would be shown twice (typed, and in the history). */
  function restore() {
    setBusy(true);
    return request(config.history, { credentials: "same-origin", headers: headers() })
      .then(function (data) { return data.replies || []; })
      .catch(function () { return []; })
      .then(function (replies) {
        setBusy(false);
        showReplies(replies.length ? replies : [config.welcome]);
        if (replies.length) log.scrollTop = log.scrollHeight;
        ready = true;
        next();
      });
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); send(input.value); input.focus(); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(input.value); }
  });
  input.addEventListener("input", autosize);

  restore().then(poll);
  window.setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", poll);
})();
