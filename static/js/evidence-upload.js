// Shows upload progress on evidence forms sent by htmx (forms marked data-upload-progress).
// Without JavaScript the form posts normally and the bar simply stays hidden.
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest && event.target.closest("form[data-upload-progress]");
  if (!form || !event.detail.lengthComputable) {
    return;
  }
  var bar = form.querySelector("progress");
  if (bar) {
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  }
});
