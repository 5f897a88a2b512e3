// Evidence forms sent by htmx (forms marked data-upload-progress): upload progress, a drop zone
// that shows when a file is dragged over it, a clear message and a retry button when the
// connection drops, and a check that the chosen files fit in one request before sending them.
// Without JavaScript the form posts normally; the texts come from the page (translated there).
(function () {
  function uploadForm(element) {
    return element && element.closest ? element.closest("form[data-upload-progress]") : null;
  }

  function status(form, text, isError) {
    var line = form.querySelector("[data-upload-status]");
    if (line) {
      line.textContent = text || "";
      line.classList.toggle("upload-status--error", Boolean(isError));
    }
    var retry = form.querySelector("[data-upload-retry]");
    if (retry) {
      retry.hidden = !isError;
    }
  }

  function chosenBytes(form) {
    var total = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        total += file.size;
      });
    });
    return total;
  }

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = uploadForm(event.target);
    if (!form || !event.detail.lengthComputable) {
      return;
    }
    var bar = form.querySelector("progress");
    if (bar) {
      bar.hidden = false;
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = uploadForm(event.target);
    if (!form) {
      return;
    }
    var line = form.querySelector("[data-upload-status]");
    var limit = Number(form.dataset.maxRequest || 0);
    if (limit && chosenBytes(form) > limit) {
      event.preventDefault();
      status(form, line ? line.dataset.tooLarge : "", true);
      return;
    }
    status(form, line ? line.dataset.sending : "", false);
  });

  function dropped(event) {
    var form = uploadForm(event.target);
    if (!form) {
      return;
    }
    var bar = form.querySelector("progress");
    if (bar) {
      bar.hidden = true;
    }
    var line = form.querySelector("[data-upload-status]");
    var tooLarge = event.detail && event.detail.xhr && event.detail.xhr.status === 413;
    status(form, line ? (tooLarge ? line.dataset.tooLarge : line.dataset.offline) : "", true);
  }

  // A dropped connection, a timeout, or a refusal before Jejak answered (413 from the proxy):
  // the chosen files are still in the form, and sending it again stores nothing twice.
  document.addEventListener("htmx:sendError", dropped);
  document.addEventListener("htmx:timeout", dropped);
  document.addEventListener("htmx:responseError", dropped);

  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var zone = event.target.closest && event.target.closest("[data-file-drop]");
      if (zone) {
        zone.classList.add("is-dragover");
      }
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var zone = event.target.closest && event.target.closest("[data-file-drop]");
      if (zone) {
        zone.classList.remove("is-dragover");
      }
    });
  });
})();
