/* A thread page's "Reply" buttons: fill in the reply form at the bottom of the page (the post
   being answered) and move to it. Without this script each "Reply" is a link to the reply page
   with ?reply_to=<number>, which does the same on a page of its own. */
(function () {
  "use strict";

  var form = document.querySelector("[data-reply-form]");
  if (!form) {
    return;
  }
  var input = form.querySelector("input[name=reply_to]");
  var context = form.querySelector("[data-reply-context]");
  var textarea = form.querySelector("textarea");
  if (!input || !context || !textarea) {
    return;
  }
  var contextLink = context.querySelector("[data-reply-context-link]");
  var cancel = context.querySelector("[data-reply-cancel]");
  var cancelLink = context.querySelector("[data-reply-cancel-link]");
  if (cancelLink) {
    cancelLink.hidden = true;
  }
  cancel.hidden = false;

  function describedBy(on) {
    var ids = (textarea.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== context.id;
    });
    if (on) {
      ids.unshift(context.id);
    }
    if (ids.length) {
      textarea.setAttribute("aria-describedby", ids.join(" "));
    } else {
      textarea.removeAttribute("aria-describedby");
    }
  }

  document.querySelectorAll("button[data-reply-to]").forEach(function (button) {
    var fallback = button.parentNode.querySelector("a[data-reply-link]");
    if (fallback) {
      fallback.hidden = true;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var number = button.getAttribute("data-reply-to");
      input.value = number;
      contextLink.textContent = "#" + number + " " + button.getAttribute("data-reply-author");
      contextLink.setAttribute("href", "#post-" + number);
      context.hidden = false;
      describedBy(true);
      textarea.focus();
    });
  });

  cancel.addEventListener("click", function () {
    input.value = "";
    context.hidden = true;
    describedBy(false);
    textarea.focus();
  });

  if (input.value) {
    describedBy(true);
  }
})();
