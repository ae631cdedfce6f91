/* Stepwise page behaviour. No inline scripts anywhere: the CSP allows only our own files. */
(function () {
  "use strict";

  /* ---- Automatic sign-out ------------------------------------------------------------------
   * The server signs a session out after `data-idle-timeout` seconds without user activity.
   * Typing and clicking count as activity: at most once a minute they tell the server. A minute
   * before the deadline a dialog warns; at the deadline, a form marked `data-autosave` is saved
   * as a draft first, then the browser signs out. */
  var body = document.body;
  var timeoutS = parseInt(body.dataset.idleTimeout || "0", 10);
  if (timeoutS > 0) {
    var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
    var lastServerContact = Date.now();
    var lastActivity = Date.now();
    var warned = false;
    var modalEl = document.getElementById("idle-warning");
    var modal = modalEl && window.bootstrap ? new window.bootstrap.Modal(modalEl) : null;

    var keepalive = function () {
      lastServerContact = Date.now();
      fetch(body.dataset.keepaliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrf },
        credentials: "same-origin",
      });
    };
    var onActivity = function () {
      lastActivity = Date.now();
      if (warned) { return; }
      if (Date.now() - lastServerContact > 60000) { keepalive(); }
    };
    ["keydown", "pointerdown", "input"].forEach(function (name) {
      document.addEventListener(name, onActivity, { passive: true });
    });
    document.body.addEventListener("htmx:afterRequest", function (evt) {
      var headers = (evt.detail.requestConfig || {}).headers || {};
      if (!headers["X-Stepwise-Background"]) { lastServerContact = Date.now(); }
    });
    var stay = document.getElementById("idle-stay");
    if (stay) {
      stay.addEventListener("click", function () { warned = false; keepalive(); });
    }
    var signOut = function () {
      var form = document.querySelector("form[data-autosave]");
      if (form) {
        var flag = document.createElement("input");
        flag.type = "hidden"; flag.name = "autosave_before_signout"; flag.value = "1";
        form.appendChild(flag);
        form.requestSubmit ? form.requestSubmit() : form.submit();
        return;
      }
      var out = document.createElement("form");
      out.method = "post"; out.action = body.dataset.logoutUrl;
      var token = document.createElement("input");
      token.type = "hidden"; token.name = "csrfmiddlewaretoken"; token.value = csrf;
      out.appendChild(token); document.body.appendChild(out); out.submit();
    };
    // Warn a minute before (or half-way, for very short timeouts); leave a margin to save.
    var warnAfterS = timeoutS - Math.min(60, timeoutS / 2);
    var signOutAfterS = timeoutS - Math.min(5, timeoutS / 4);
    var tickMs = Math.min(5, timeoutS / 8) * 1000;
    window.setInterval(function () {
      var idleS = (Date.now() - Math.max(lastServerContact, lastActivity)) / 1000;
      var sinceServerS = (Date.now() - lastServerContact) / 1000;
      if (sinceServerS >= signOutAfterS && idleS >= signOutAfterS) { signOut(); return; }
      if (!warned && sinceServerS >= warnAfterS && idleS >= warnAfterS) {
        warned = true;
        if (modal) { modal.show(); }
      }
    }, tickMs);
  }

  /* ---- Confirm dialogs for destructive buttons (no inline onclick under the CSP) ---------- */
  document.addEventListener("click", function (evt) {
    var el = evt.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) { evt.preventDefault(); }
  });
})();

/* Wizard: when the live suggestion changes, move the rating to it - unless the clinician has
 * chosen a rating themselves (on this page, or earlier against the suggestion). A page may rate
 * several subdimensions: each rating part follows its own suggestion. */
(function () {
  "use strict";
  document.addEventListener("change", function (evt) {
    var part = evt.target.closest && evt.target.closest("[data-rating-part]");
    if (!part || evt.target.type !== "radio") { return; }
    part.dataset.ratingTouched = "1";
    var follows = part.querySelector("[data-rating-follows]");
    if (follows) { follows.value = "0"; }
  });
  document.body.addEventListener("htmx:afterSwap", function (evt) {
    var code = evt.target.dataset && evt.target.dataset.suggestionFor;
    if (!code) { return; }
    var el = evt.target.querySelector("[data-suggested-rating]");
    var part = null;
    document.querySelectorAll("[data-rating-part]").forEach(function (p) {
      if (p.dataset.ratingPart === code) { part = p; }
    });
    if (!el || !part || part.dataset.ratingTouched) { return; }
    part.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.checked = radio.value === el.dataset.suggestedRating;
    });
  });
})();

/* Print buttons (no inline onclick under the CSP). */
document.addEventListener("click", function (evt) {
  if (evt.target.closest("[data-print]")) { window.print(); }
});

/* Rule editor: each condition shows only the fields of its kind (all show without script). */
(function () {
  "use strict";
  var sync = function () {
    document.querySelectorAll("[data-condition]").forEach(function (box) {
      var kind = box.querySelector("select[name$='-kind']");
      box.querySelectorAll("[data-kind]").forEach(function (group) {
        group.hidden = !!kind && group.dataset.kind.split(" ").indexOf(kind.value) < 0;
      });
    });
  };
  document.addEventListener("change", function (evt) {
    if (evt.target.matches && evt.target.matches("select[name$='-kind']")) { sync(); }
  });
  document.addEventListener("DOMContentLoaded", sync);
  document.body.addEventListener("htmx:afterSwap", sync);
  sync();
})();

/* Rule editor: a level list offers only the levels of the track chosen beside it (the other
   tracks' levels are disabled; the server refuses them anyway, naming the track). */
(function () {
  "use strict";
  var follow = function () {
    document.querySelectorAll("select[data-follows-track]").forEach(function (levels) {
      var form = levels.closest("form");
      var track = form && form.querySelector("select[name$='track']");
      if (!track || track.selectedIndex < 0) { return; }
      var name = track.options[track.selectedIndex].text;
      var chosenOk = true;
      levels.querySelectorAll("optgroup").forEach(function (group) {
        var other = group.label !== name && group.label !== "Any";
        group.disabled = other;
        group.hidden = other;
        if (other && levels.selectedOptions[0] && levels.selectedOptions[0].parentNode === group) {
          chosenOk = false;
        }
      });
      if (!chosenOk) {
        var first = levels.querySelector("optgroup:not([disabled]) option");
        if (first) { levels.value = first.value; }
      }
    });
  };
  document.addEventListener("change", function (evt) {
    if (evt.target.matches && evt.target.matches("select[name$='track']")) { follow(); }
  });
  document.addEventListener("DOMContentLoaded", follow);
  document.body.addEventListener("htmx:afterSwap", follow);
  follow();
})();

/* Substances table: rows are added and removed in place from the formset's empty form. */
(function () {
  "use strict";
  var add = document.querySelector("[data-add-substance]");
  var template = document.getElementById("substance-template");
  var rows = document.getElementById("substance-rows");
  var total = document.querySelector("input[name='substances-TOTAL_FORMS']");
  if (!add || !template || !rows || !total) { return; }
  add.hidden = false;
  var showRemove = function (root) {
    root.querySelectorAll("[data-remove-substance]").forEach(function (b) { b.hidden = false; });
  };
  showRemove(rows);
  add.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var row = rows.lastElementChild;
    showRemove(row);
    var first = row.querySelector("select, input");
    if (first) { first.focus(); }
  });
  rows.addEventListener("click", function (evt) {
    var button = evt.target.closest("[data-remove-substance]");
    if (!button) { return; }
    var row = button.closest(".substance-row");
    // Cleared rather than taken out, so the formset's numbering stays whole; an empty
    // extra row is simply ignored on save.
    row.querySelectorAll("select, input").forEach(function (el) { el.value = ""; });
    row.hidden = true;
    add.focus();
  });
})();

/* Switches that remember their setting in this browser (e.g. "Show rule IDs"). */
(function () {
  "use strict";
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  document.querySelectorAll("input[data-remember]").forEach(function (box) {
    if (store && store.getItem(box.dataset.remember) === "1") { box.checked = true; }
    box.addEventListener("change", function () {
      if (store) { store.setItem(box.dataset.remember, box.checked ? "1" : "0"); }
    });
  });
})();

/* Tables that stack into cards on phones label each value with its column heading; a table
 * that still scrolls sideways can be reached and scrolled from the keyboard. */
(function () {
  "use strict";
  var label = function (root) {
    root.querySelectorAll("table.table-stack").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        var hidden = th.querySelector(".visually-hidden");
        var text = th.textContent.trim();
        // A heading only screen readers hear (e.g. "Actions") labels nothing on screen.
        return hidden && hidden.textContent.trim() === text ? "" : text;
      });
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (cell, i) {
          if (!cell.hasAttribute("data-label") && heads[i] && cell.colSpan === 1) {
            cell.setAttribute("data-label", heads[i]);
          }
        });
      });
    });
  };
  var scrollers = function () {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
        box.dataset.madeFocusable = "1";
      } else if (!scrolls && box.dataset.madeFocusable) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.madeFocusable;
      }
    });
  };
  label(document);
  scrollers();
  window.addEventListener("resize", scrollers);
  document.body.addEventListener("htmx:afterSwap", function () { label(document); scrollers(); });
})();
