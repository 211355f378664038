/* Chat widget for the office's website: include
     <script src="https://BOT-HOST/chat/widget.js" async></script>
   to get a floating chat button that opens the chat in a panel (an iframe of /chat). */
(function () {
  "use strict";
  if (window.__officeChatWidget) return;
  window.__officeChatWidget = true;
  var texts = {{ texts | tojson }};
  var script = document.currentScript || document.querySelector('script[src*="/chat/widget.js"]');
  var base = script && script.src ? new URL(script.src, window.location.href).origin : "";
  var accent = "#1e5aa8";

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

    button.addEventListener("click", function () {
      var open = panel.style.display === "none";
      if (open && !frame.src) frame.src = base + "/chat?embed=1";
      panel.style.display = open ? "block" : "none";
      render(open);
    });
    render(false);
    document.body.appendChild(panel);
    document.body.appendChild(button);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
