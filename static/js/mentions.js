/* @mention autocomplete for the dialogues' message fields: typing "@" and the start of a name
   lists the people who can be mentioned (an ARIA listbox driven from the field: arrow keys to
   choose, Enter to insert, Escape to close) and inserts @[Full Name](user:id).

   Progressive enhancement: the markup is templates/dialogues/partials/post_editor.html, whose
   data-mention-* attributes give the lookup URL and the translated words; without this script
   the page lists the people and the text to type. */
(function () {
  "use strict";

  // "@" at the start or after a space, then a letter and more of a name (up to 40 characters).
  var TRIGGER = /(^|[\s(])@(\p{L}[\p{L}\p{M}'’.\- ]{0,39})$/u;
  var DELAY_MS = 150;

  function setUp(editor) {
    var textarea = editor.querySelector("textarea");
    var url = editor.getAttribute("data-mention-url");
    if (!textarea || !url || !window.fetch) {
      return;
    }
    var listbox = document.createElement("ul");
    listbox.id = textarea.id + "-mentions";
    listbox.className = "mention-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", editor.getAttribute("data-mention-label") || "");
    listbox.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    textarea.insertAdjacentElement("afterend", listbox);
    listbox.insertAdjacentElement("afterend", status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", listbox.id);

    var results = [];
    var active = -1;
    var start = -1;
    var timer = null;
    var latest = 0;

    function close() {
      listbox.hidden = true;
      listbox.textContent = "";
      textarea.removeAttribute("aria-activedescendant");
      results = [];
      active = -1;
    }

    function highlight(index) {
      var options = listbox.querySelectorAll("[role=option]");
      options.forEach(function (option, position) {
        option.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      active = index;
      if (options[index]) {
        textarea.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(index) {
      var person = results[index];
      if (!person || start < 0) {
        return;
      }
      var caret = textarea.selectionStart;
      var inserted = person.markup + " ";
      textarea.value = textarea.value.slice(0, start) + inserted + textarea.value.slice(caret);
      var position = start + inserted.length;
      textarea.setSelectionRange(position, position);
      close();
      status.textContent = person.name;
      textarea.focus();
    }

    function show(people) {
      results = people;
      listbox.textContent = "";
      if (!people.length) {
        close();
        return;
      }
      people.forEach(function (person, index) {
        var option = document.createElement("li");
        option.id = listbox.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = person.organisation
          ? person.name + " — " + person.organisation
          : person.name;
        // Keep the focus in the field when the option is clicked.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          choose(index);
        });
        listbox.appendChild(option);
      });
      listbox.hidden = false;
      highlight(0);
      status.textContent =
        (editor.getAttribute("data-mention-found") || "") + " " + people.length + ". " +
        (editor.getAttribute("data-mention-hint") || "");
    }

    function lookUp(query) {
      var request = ++latest;
      var address = url + "?q=" + encodeURIComponent(query);
      fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (request === latest) {
            show(data.results || []);
          }
        })
        .catch(function () {
          close();
        });
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      var before = textarea.value.slice(0, textarea.selectionStart);
      var match = TRIGGER.exec(before);
      if (!match) {
        start = -1;
        latest++;
        close();
        return;
      }
      var query = match[2];
      start = before.length - query.length - 1;
      timer = window.setTimeout(function () {
        lookUp(query.trim());
      }, DELAY_MS);
    });

    textarea.addEventListener("keydown", function (event) {
      if (listbox.hidden || !results.length) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % results.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + results.length) % results.length);
      } else if (event.key === "Enter") {
        event.preventDefault();
        choose(active < 0 ? 0 : active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        latest++;
        close();
      } else if (event.key === "Tab") {
        close();
      }
    });

    textarea.addEventListener("blur", function () {
      latest++;
      close();
    });
  }

  document.querySelectorAll("[data-mention-url]").forEach(setUp);
})();
