/* Chat widget for the office's website: include
     <script src="https://BOT-HOST/chat/widget.js" async></script>
   to get a floating chat button that opens the chat in a panel (an iframe of /chat).

   The visitor is kept by this page, not by the frame: a browser partitions (or blocks) the storage and
   cookies of a frame from another site, so the chat frame alone would forget the visitor, and a
   half-filled complaint, on every load of this page. The visitor's token lives in this page's
   localStorage; the frame gets it in its URL fragment (never sent to any server) and posts each renewed
   token back, accepted only from the chat's own origin and frame. The panel stays open across loads of
   the page while the tab lives (sessionStorage). */
(function () {
  "use strict";
  if (window.__officeChatWidget) return;
  window.__officeChatWidget = true;
  var texts = {{ texts | tojson }};
  var script = document.currentScript || document.querySelector('script[src*="/chat/widget.js"]');
  var base = script && script.src ? new URL(script.src, window.location.href).origin : "";
  var accent = "#1e5aa8";
  var TOKEN_KEY = "office-chat-token@" + base;
  var OPEN_KEY = "office-chat-open@" + base;

  function stored(area, key) {
    try { return window[area].getItem(key) || ""; } catch (e) { return ""; }
  }
  function store(area, key, value) {
    try { if (value) window[area].setItem(key, value); else window[area].removeItem(key); } catch (e) { /* blocked */ }
  }

  function start() {
    var panel = document.createElement("div");
    panel.id = "office-chat-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", texts.title);
    panel.style.cssText = "position:fixed;right:20px;bottom:92px;width:min(380px,calc(100vw - 24px));" +
      "height:min(600px,calc(100vh - 120px));border-radius:16px;overflow:hidden;display:none;" +
      "box-shadow:0 12px 32px rgba(0,0,0,.25);z-index:2147483000;background:#fff;";
    var frame = document.createElement("iframe");
    frame.title = texts.title;
    frame.style.cssText = "border:0;width:100%;height:100%;display:block;";
    panel.appendChild(frame);

    var button = document.createElement("button");
    button.id = "office-chat-button";
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", panel.id);
    button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483001;display:flex;" +
      "align-items:center;gap:8px;border:0;border-radius:999px;padding:12px 18px;background:" + accent +
      ";color:#fff;font:600 16px/1.2 Sarabun,'Noto Sans Thai',Tahoma,sans-serif;cursor:pointer;" +
      "box-shadow:0 6px 18px rgba(0,0,0,.25);";
    var icon = '<svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" ' +
      'd="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
    var label = document.createElement("span");

    function render(open) {
      button.innerHTML = icon;
      label.textContent = open ? texts.close : texts.open;
      button.appendChild(label);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }

    function show(open) {
      if (open && !frame.src) {
        var handed = new URLSearchParams({ host: window.location.origin, token: stored("localStorage", TOKEN_KEY) });
        frame.src = base + "/chat?embed=1#" + handed.toString();
      }
      panel.style.display = open ? "block" : "none";
      store("sessionStorage", OPEN_KEY, open ? "1" : "");
      render(open);
    }

    window.addEventListener("message", function (e) {
      var data = e.data;
      if (e.origin !== base || e.source !== frame.contentWindow || !data || data.type !== "office-chat-token") return;
      if (typeof data.token === "string" && data.token.length > 0 && data.token.length <= 512) {
        store("localStorage", TOKEN_KEY, data.token);
      }
    });
    button.addEventListener("click", function () { show(panel.style.display === "none"); });
    render(false);
    document.body.appendChild(panel);
    document.body.appendChild(button);
    if (stored("sessionStorage", OPEN_KEY)) show(true);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
