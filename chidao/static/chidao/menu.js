// The top bar's menu on narrow screens: the "Menu" button folds the nav away and opens it again.
// Without this script the button stays hidden and the nav stays open (it wraps), so nothing is lost.
(function () {
  "use strict";
  function setUp() {
    var button = document.querySelector(".menu-toggle");
    var bar = document.querySelector(".topbar");
    var nav = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!button || !bar || !nav) { return; }
    // The unread counts of the nav (notifications, inbox) also show on the button while the menu is closed.
    var total = 0;
    nav.querySelectorAll(".badge.count").forEach(function (b) {
      total += parseInt(b.textContent.replace(/\D/g, ""), 10) || 0;
    });
    if (total > 0) {
      var badge = document.createElement("span");
      badge.className = "badge count";
      badge.setAttribute("aria-hidden", "true");
      badge.textContent = total.toLocaleString(document.documentElement.lang || "vi");
      button.appendChild(document.createTextNode(" "));
      button.appendChild(badge);
    }
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      bar.classList.toggle("menu-open", open);
    }
    bar.classList.add("menu-ready");
    button.hidden = false;
    set(false);
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
